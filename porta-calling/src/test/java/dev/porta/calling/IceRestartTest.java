// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** restartIce: a connected participant whose network changed gets a fresh subscribe offer; the lobby gets nothing. */
class IceRestartTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aConnectedParticipantThatRestartsIceGetsAFreshSubscribeOfferAndStaysInTheMeeting() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "Connected").path("participantId").asText();
        ada.send("{\"v\":1,\"type\":\"restartIce\",\"id\":\"r1\"}");
        assertThat(ada.await("ack").path("id").asText()).isEqualTo("r1");
        assertThat(ada.await("subscribeOffer").path("sdp").asText()).isEqualTo("v=0 restarted offer 1 for " + adaId);
        assertThat(h.media.open.get(adaId).iceRestarts.get()).isOne();
        assertThat(h.calling.node().participants()).isOne();
    }

    @Test
    void aLobbyParticipantCannotRestartIce() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(ada, "InLobby");
        ada.send("{\"v\":1,\"type\":\"restartIce\",\"id\":\"r1\"}");
        assertThat(ada.await("error").path("code").asText()).isEqualTo("notConnected");
    }
}
