// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import java.util.concurrent.Executors;
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
}
