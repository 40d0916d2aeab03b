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
        if (h.media.mediaThread != null) {
            h.media.mediaThread.shutdownNow();
        }
        h.close();
    }

    @Test
    void aSecondParticipantJoinsWhileTheMediaThreadSendsTheFirstANewOffer() {
        // Once the offer waited for the meeting lock on the media thread while the join held that lock
        // waiting for the media thread: the join failed after 5 s. Now the join never waits for the SFU.
        h.media.mediaThread = Executors.newSingleThreadExecutor();
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);

        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");

        assertThat(awaitState(guest, "Connected").path("participantId").asText()).startsWith("p-");
        assertThat(organizer.await("subscribeOffer").path("sdp").asText()).startsWith("v=0 offer");
    }

    @Test
    void activeSpeakerChangesThatWaitForABusyMeetingReachTheClientAsTheLatestOnly() throws Exception {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        String organizerId = organizer.all("stateChanged").stream()
                .filter(n -> n.path("state").asText().equals("Connected")).findFirst().orElseThrow()
                .path("participantId").asText();
        var organizerMedia = h.media.open.get(organizerId).listener;

        // Ada's entry keeps the meeting's actor busy (the attendance log is told on it): the SFU's events for
        // the organizer queue up meanwhile, and must not pile up.
        CountDownLatch actorBusy = new CountDownLatch(1);
        h.attendanceGate = actorBusy;
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        assertThat(h.heldAtGate.tryAcquire(5, TimeUnit.SECONDS)).as("Ada's entry holds the meeting's actor").isTrue();
        for (int i = 0; i < 1000; i++) {
            organizerMedia.activeSpeaker(new MediaParticipantId("p-speaker-" + i));
        }
        h.attendanceGate = null;
        actorBusy.countDown();

        awaitState(ada, "Connected");
        organizer.await("activeSpeaker", n -> n.path("participantId").asText().equals("p-speaker-999"));
        // At most one was taken out of line before the actor was free; the other 999 collapsed into the last.
        assertThat(organizer.all("activeSpeaker")).hasSizeLessThanOrEqualTo(2);
    }
}
