// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import dev.porta.media.api.MediaParticipantId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SFU's events arrive on its media thread while joins wait for that thread. */
class MediaEventsTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.media.mediaThread.shutdownNow();
        h.close();
    }

    @Test
    void aSecondParticipantJoinsWhileTheMediaThreadSendsTheFirstANewOffer() {
        // Before the fix the offer waited for the meeting lock on the media thread while the join held
        // that lock waiting for the media thread: the join failed after 5 s.
        h.media.mediaThread = Executors.newSingleThreadExecutor();
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);

        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");

        assertThat(awaitState(guest, "Connected").path("participantId").asText()).startsWith("p-");
        assertThat(organizer.await("subscribeOffer").path("sdp").asText()).startsWith("v=0 offer");
    }

    @Test
    void activeSpeakerChangesThatWaitForABusyMeetingReachTheClientAsTheLatestOnly() throws Exception {
        h.media.mediaThread = Executors.newSingleThreadExecutor();
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        String organizerId = organizer.all("stateChanged").stream()
                .filter(n -> n.path("state").asText().equals("Connected")).findFirst().orElseThrow()
                .path("participantId").asText();
        var organizerMedia = h.media.open.get(organizerId).listener;
        h.media.opening.drainPermits();

        // The media thread is busy, so Ada's join holds the meeting lock while it waits for that thread:
        // the SFU's events for the organizer queue up behind the lock meanwhile.
        CountDownLatch mediaBusy = new CountDownLatch(1);
        h.media.mediaThread.execute(() -> {
            try {
                mediaBusy.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        assertThat(h.media.opening.tryAcquire(5, TimeUnit.SECONDS)).as("Ada's join is opening her session").isTrue();
        for (int i = 0; i < 1000; i++) {
            organizerMedia.activeSpeaker(new MediaParticipantId("p-speaker-" + i));
        }
        mediaBusy.countDown();

        awaitState(ada, "Connected");
        organizer.await("activeSpeaker", n -> n.path("participantId").asText().equals("p-speaker-999"));
        // At most one was taken out of line before the lock was free; the other 999 collapsed into the last.
        assertThat(organizer.all("activeSpeaker")).hasSizeLessThanOrEqualTo(2);
    }
}
