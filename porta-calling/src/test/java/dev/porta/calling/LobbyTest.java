// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.Invitee;
import dev.porta.calling.meeting.InviteeRole;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LobbyTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @CsvSource({
        "ORGANIZER, colleague, InLobby", "ORGANIZER, federated, InLobby", "ORGANIZER, guest, InLobby",
        "ORGANIZATION, colleague, Connected", "ORGANIZATION, federated, InLobby", "ORGANIZATION, guest, InLobby",
        "ORGANIZATION_EXCLUDING_GUESTS, colleague, Connected", "ORGANIZATION_EXCLUDING_GUESTS, guest, InLobby",
        "ORGANIZATION_AND_FEDERATED, colleague, Connected", "ORGANIZATION_AND_FEDERATED, federated, Connected",
        "ORGANIZATION_AND_FEDERATED, guest, InLobby",
        "EVERYONE, colleague, Connected", "EVERYONE, federated, Connected", "EVERYONE, guest, Connected",
        "INVITED, colleague, InLobby", "INVITED, invitedColleague, Connected", "INVITED, guest, InLobby",
        "INVITED, invitedGuest, Connected", "UNKNOWN_FUTURE_VALUE, colleague, InLobby",
    })
    void eachLobbyBypassScopeDecidesWhoWaits(LobbyBypassScope scope, String who, String expected) {
        String link = h.meeting(scope, AllowedPresenters.ORGANIZATION, List.of(
                new Invitee("member-invited", InviteeRole.ATTENDEE), new Invitee("8:acs:res_invited", InviteeRole.ATTENDEE)),
                MeetingPolicy.defaults());
        String token = switch (who) {
            case "colleague" -> h.auth.member(InMemoryMeetingDirectory.TENANT, "member-colleague", "Colleague");
            case "invitedColleague" -> h.auth.member(InMemoryMeetingDirectory.TENANT, "member-invited", "Invited");
            case "federated" -> h.auth.member("tenant-fabrikam", "member-partner", "Partner");
            case "guest" -> h.auth.guest("ada");
            case "invitedGuest" -> h.auth.guest("invited");
            default -> throw new IllegalArgumentException(who);
        };
        TestClient c = h.join(token, link, "Someone");
        assertThat(c.await("stateChanged").path("state").asText()).isEqualTo(expected);
        TestClient organizer = h.organizer(link);
        assertThat(organizer.await("lobby").path("participants")).hasSize(expected.equals("InLobby") ? 1 : 0);
    }

    @Test
    void theOrganizerAdmitsOneAdmitsAllAndDeniesWhileLobbyParticipantsSeeNothing() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        TestClient bob = h.join(h.auth.guest("bob"), link, "Bob");
        TestClient eve = h.join(h.auth.guest("eve"), link, "Eve");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        awaitState(bob, "InLobby");
        String eveId = awaitState(eve, "InLobby").path("participantId").asText();
        for (int i = 0; i < 3; i++) {
            JsonNode added = organizer.await("lobbyDelta", n -> n.path("op").asText().equals("added"));
            assertThat(added.path("participant").path("kind").asText()).isEqualTo("guest");
        }
        assertThat(ada.all("roster")).isEmpty();
        assertThat(h.media.open).doesNotContainKey(adaId);
        assertThat(h.calling.node().lobby()).isEqualTo(3);

        // a lobby participant may not act
        ada.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c\",\"text\":\"let me in\"}");
        assertThat(ada.await("error").path("code").asText()).isEqualTo("notConnected");

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a1\",\"participantId\":\"" + adaId + "\"}");
        assertThat(organizer.await("ack").path("id").asText()).isEqualTo("a1");
        assertThat(awaitState(ada, "Connected").path("role").asText()).isEqualTo("attendee");
        assertThat(ada.await("roster").path("participants")).hasSize(2);
        assertThat(h.media.open).containsKey(adaId);

        organizer.send("{\"v\":1,\"type\":\"deny\",\"id\":\"d1\",\"participantId\":\"" + eveId + "\"}");
        JsonNode denied = eve.awaitEnd();
        assertThat(denied.path("code").asInt()).isEqualTo(0);
        assertThat(denied.path("subCode").asInt()).isEqualTo(5854);

        organizer.send("{\"v\":1,\"type\":\"admitAll\",\"id\":\"all\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("all")).path("count").asInt()).isEqualTo(1);
        awaitState(bob, "Connected");
        assertThat(h.calling.node().lobby()).isZero();
        assertThat(h.calling.node().participants()).isEqualTo(3);
    }

    @Test
    void anAttendeeCannotAdmitFromTheLobby() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.ORGANIZER, List.of(), MeetingPolicy.defaults());
        TestClient colleague = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-c", "Colleague"), link, "x");
        awaitState(colleague, "Connected");
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        colleague.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a\",\"participantId\":\"" + adaId + "\"}");
        assertThat(colleague.await("error").path("code").asText()).isEqualTo("roleRequired");
        assertThat(colleague.all("lobby")).isEmpty();
    }
}
