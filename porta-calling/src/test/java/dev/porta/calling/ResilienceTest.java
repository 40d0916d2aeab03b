// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.auth.TokenRefusal;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilienceTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static String resume(String token, String resumeToken) {
        return "{\"v\":1,\"type\":\"resume\",\"token\":\"" + token + "\",\"resumeToken\":\"" + resumeToken + "\"}";
    }

    @Test
    void aParticipantResumesAfterADroppedSocketAndKeepsItsPlace() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        String token = h.auth.guest("ada");
        TestClient guest = h.join(token, link, "Ada");
        String guestId = awaitState(guest, "InLobby").path("participantId").asText();
        organizer.send("{\"v\":1,\"type\":\"admit\",\"participantId\":\"" + guestId + "\"}");
        JsonNode entered = awaitState(guest, "Connected");
        String resumeToken = entered.path("resumeToken").asText();

        guest.drop();
        JsonNode reconnecting = organizer.await("rosterDelta", n -> n.path("participant").path("state").asText().equals("Reconnecting"));
        assertThat(reconnecting.path("participant").path("id").asText()).isEqualTo(guestId);
        h.clock.advance(Duration.ofSeconds(20));
        h.calling.sweep();

        TestClient again = h.connect().send(resume(token, resumeToken));
        JsonNode back = awaitState(again, "Connected");
        assertThat(back.path("participantId").asText()).isEqualTo(guestId);
        assertThat(back.path("resumeToken").asText()).isNotEqualTo(resumeToken);
        assertThat(back.path("mediaSession").asText()).as("the SFU kept its media session: the client keeps its peer connections")
                .isNotEmpty().isEqualTo(entered.path("mediaSession").asText());
        assertThat(again.await("roster").path("participants")).hasSize(2);
        assertThat(organizer.await("rosterDelta", n -> n.path("participant").path("state").asText().equals("Connected"))
                .path("participant").path("id").asText()).isEqualTo(guestId);

        // a resume token works once
        TestClient thief = h.connect().send(resume(token, resumeToken));
        assertThat(thief.awaitEnd().path("subCode").asInt()).isEqualTo(5270);
    }

    @Test
    void aParticipantNotBackWithinTheGracePeriodIsRemoved() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        String token = h.auth.guest("ada");
        TestClient guest = h.join(token, link, "Ada");
        String resumeToken = awaitState(guest, "Connected").path("resumeToken").asText();
        guest.drop();
        organizer.await("rosterDelta", n -> n.path("participant").path("state").asText().equals("Reconnecting"));
        h.clock.advance(Duration.ofSeconds(31));
        h.calling.sweep();
        organizer.await("rosterDelta", n -> n.path("op").asText().equals("removed"));
        assertThat(h.connect().send(resume(token, resumeToken)).awaitEnd().path("code").asInt()).isEqualTo(410);
    }

    @Test
    void aRevokedTokenDisconnectsTheParticipantWithTheMatchingReason() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        String token = h.auth.guest("ada");
        TestClient guest = h.join(token, link, "Ada");
        awaitState(guest, "Connected");
        h.auth.refuse(token, TokenRefusal.REVOKED);
        h.calling.identityRevoked("8:acs:res_ada");
        JsonNode end = guest.awaitEnd();
        assertThat(end.path("code").asInt()).isEqualTo(495);
        assertThat(end.path("subCode").asInt()).isEqualTo(4509);
        organizer.await("rosterDelta", n -> n.path("op").asText().equals("removed"));
        assertThat(h.join(token, link, "Ada").awaitEnd().path("subCode").asInt()).isEqualTo(4509);
    }

    @Test
    void aServerShutdownEndsMeetingsWithAReasonToRejoin() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        h.calling.shutdown();
        JsonNode end = organizer.awaitEnd();
        assertThat(end.path("code").asInt()).isEqualTo(503);
        assertThat(end.path("subCode").asInt()).isEqualTo(7100);
        assertThat(end.path("canRejoin").asBoolean()).isTrue();
        assertThat(organizer.awaitCloseCode()).isEqualTo(1001);
    }
}
