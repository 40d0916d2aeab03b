// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 1: roster and lobby name people by the ACS identity behind them ({@code rawId}), so an
 * application written for ACS can tell which of its users is which.
 */
class AcsIdentifiersTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void theOrganizerSeesAGuestByTheAcsIdentityItWasIssuedInLobbyAndRoster() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        TestClient organizer = h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();

        JsonNode waiting = organizer.await("lobbyDelta").path("participant");
        assertThat(waiting.path("rawId").asText()).isEqualTo("8:acs:res_ada");

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a\",\"participantId\":\"" + adaId + "\"}");
        JsonNode added = organizer.await("rosterDelta", n -> n.path("op").asText().equals("added")).path("participant");
        assertThat(added.path("id").asText()).isEqualTo(adaId);
        assertThat(added.path("rawId").asText()).isEqualTo("8:acs:res_ada");
    }

    @Test
    void aGuestSeesTheOrganizerAsAnOrgIdAndItselfByItsOwnIdentity() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(ada, "Connected");
        JsonNode roster = ada.await("roster").path("participants");
        assertThat(rawIdOf(roster, "Olivia Organizer")).isEqualTo("8:orgid:" + InMemoryMeetingDirectory.ORGANIZER);
        assertThat(rawIdOf(roster, "Ada")).isEqualTo("8:acs:res_ada");
    }

    @Test
    void byDefaultGuestsSeeEachOthersIdentitiesAsInAcs() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(ada, "Connected");
        TestClient bob = h.join(h.auth.guest("bob"), link, "Bob");
        awaitState(bob, "Connected");

        assertThat(rawIdOf(bob.await("roster").path("participants"), "Ada")).isEqualTo("8:acs:res_ada");
        JsonNode bobSeenByAda = ada.await("rosterDelta", n -> n.path("participant").path("displayName").asText().equals("Bob"))
                .path("participant");
        assertThat(bobSeenByAda.path("rawId").asText()).isEqualTo("8:acs:res_bob");
    }

    @Test
    void aPrivacyPolicyHidesGuestsIdentitiesFromOtherGuestsButNotFromMembersOrThemselves() {
        String link = h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(),
                MeetingPolicy.defaults().withGuestIdentitiesVisibleToGuests(false));
        TestClient organizer = h.organizer(link);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(ada, "Connected");
        TestClient bob = h.join(h.auth.guest("bob"), link, "Bob");
        awaitState(bob, "Connected");

        JsonNode bobsRoster = bob.await("roster").path("participants");
        assertThat(entry(bobsRoster, "Ada").has("rawId")).isFalse();
        assertThat(entry(bobsRoster, "Ada").path("id").asText()).startsWith("p-");
        assertThat(rawIdOf(bobsRoster, "Bob")).isEqualTo("8:acs:res_bob");
        assertThat(rawIdOf(bobsRoster, "Olivia Organizer")).startsWith("8:orgid:");
        JsonNode bobSeenByAda = ada.await("rosterDelta", n -> n.path("participant").path("displayName").asText().equals("Bob"))
                .path("participant");
        assertThat(bobSeenByAda.has("rawId")).isFalse();
        JsonNode bobSeenByOrganizer = organizer.await("rosterDelta",
                n -> n.path("participant").path("displayName").asText().equals("Bob")).path("participant");
        assertThat(bobSeenByOrganizer.path("rawId").asText()).isEqualTo("8:acs:res_bob");

        bob.send("{\"v\":1,\"type\":\"mute\",\"id\":\"m\",\"muted\":false}");
        JsonNode ownUpdate = bob.await("rosterDelta", n -> n.path("op").asText().equals("updated")
                && n.path("participant").path("displayName").asText().equals("Bob")).path("participant");
        assertThat(ownUpdate.path("rawId").asText()).isEqualTo("8:acs:res_bob");
    }

    private static JsonNode entry(JsonNode participants, String displayName) {
        for (JsonNode p : participants) {
            if (p.path("displayName").asText().equals(displayName)) {
                return p;
            }
        }
        throw new AssertionError(displayName + " not in " + participants);
    }

    private static String rawIdOf(JsonNode participants, String displayName) {
        return entry(participants, displayName).path("rawId").asText();
    }
}
