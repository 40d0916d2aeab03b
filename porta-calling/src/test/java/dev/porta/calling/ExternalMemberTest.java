// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.GuestCapabilities;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review finding M10: a member of another tenant is external to a meeting, like a guest. */
class ExternalMemberTest {
    private static final String OTHER_TENANT = "tenant-fabrikam";

    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void anotherTenantsMemberIsRefusedWhenTheTenantDisablesAnonymousJoin() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.ORGANIZATION, List.of(),
                new MeetingPolicy(false, true, GuestCapabilities.defaults(), true));
        TestClient outsider = h.join(h.auth.member(OTHER_TENANT, "member-helpdesk", "IT Helpdesk"), link, "ignored");
        assertThat(outsider.awaitEnd().path("subCode").asInt()).isEqualTo(5221);
        String byOrganizer = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.ORGANIZATION, List.of(),
                new MeetingPolicy(true, false, GuestCapabilities.defaults(), true));
        TestClient again = h.join(h.auth.member(OTHER_TENANT, "member-helpdesk", "IT Helpdesk"), byOrganizer, "ignored");
        assertThat(again.awaitEnd().path("subCode").asInt()).isEqualTo(5222);
    }

    @Test
    void anotherTenantsMemberWaitsIsMarkedExternalAttendsAndGetsOnlyTheGuestCapabilities() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.EVERYONE, List.of(), MeetingPolicy.defaults());
        TestClient organizer = h.organizer(link);
        TestClient outsider = h.join(h.auth.member(OTHER_TENANT, "member-helpdesk", "IT Helpdesk"), link, "ignored");
        String outsiderId = awaitState(outsider, "InLobby").path("participantId").asText();
        JsonNode waiting = organizer.await("lobbyDelta").path("participant");
        assertThat(waiting.path("external").asBoolean()).isTrue();

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a\",\"participantId\":\"" + outsiderId + "\"}");
        JsonNode connected = awaitState(outsider, "Connected");
        assertThat(connected.path("role").asText()).isEqualTo("attendee");
        assertThat(connected.path("capabilities").toString()).doesNotContain("raiseHand", "manageParticipants");
        JsonNode entry = organizer.await("rosterDelta", n -> n.path("op").asText().equals("added")).path("participant");
        assertThat(entry.path("external").asBoolean()).isTrue();
        assertThat(entry.path("kind").asText()).isEqualTo("member");
        outsider.send("{\"v\":1,\"type\":\"raiseHand\",\"id\":\"h\"}");
        assertThat(outsider.await("error").path("code").asText()).isEqualTo("capabilityDisabled");

        TestClient colleague = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "x");
        JsonNode own = awaitState(colleague, "Connected");
        assertThat(own.path("role").asText()).isEqualTo("presenter");
        assertThat(organizer.await("rosterDelta", n -> n.path("participant").path("displayName").asText().equals("Adele"))
                .path("participant").has("external")).isFalse();
    }
}
