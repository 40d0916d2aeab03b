// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.GuestCapabilities;
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

/** Review finding M1: an admitted guest must not moderate unless the policy says so. */
class GuestModerationTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aGuestCannotAdmitRemoveOrMuteOthersUnderTheDefaultPolicyEvenWhenEveryoneMayPresent() {
        // The worst case of the review's probe: allowedPresenters "everyone", guests wait in the lobby.
        String link = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.EVERYONE, List.of(), MeetingPolicy.defaults());
        TestClient organizer = h.organizer(link);
        TestClient adele = member(link, "member-adele", "Adele Vance");
        String adeleId = awaitState(adele, "Connected").path("participantId").asText();
        TestClient guest = h.join(h.auth.guest("patient1"), link, "Patient One");
        String guestId = awaitState(guest, "InLobby").path("participantId").asText();
        organizer.send(frame("admit", "a0", guestId));
        JsonNode connected = awaitState(guest, "Connected");
        assertThat(connected.path("role").asText()).isEqualTo("attendee");
        assertThat(connected.path("capabilities").toString()).doesNotContain("admitFromLobby", "manageParticipants");
        TestClient stranger = h.join(h.auth.guest("stranger"), link, "Stranger");
        String strangerId = awaitState(stranger, "InLobby").path("participantId").asText();

        guest.send(frame("admit", "a", strangerId));
        guest.send("{\"v\":1,\"type\":\"admitAll\",\"id\":\"aa\"}");
        guest.send(frame("removeParticipant", "r", adeleId));
        guest.send(frame("muteParticipant", "m", adeleId));
        for (String id : List.of("a", "aa", "r", "m")) {
            assertThat(guest.await("error", n -> n.path("id").asText().equals(id)).path("code").asText())
                    .as(id).isIn("capabilityDisabled", "roleRequired");
        }
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c\",\"text\":\"marker\"}");
        adele.await("chatMessage");
        assertThat(adele.isClosed()).isFalse();
        assertThat(adele.all("mutedByOthers")).isEmpty();
        assertThat(stranger.all("stateChanged")).extracting(n -> n.path("state").asText()).containsExactly("InLobby");
    }

    @Test
    void aGuestMayAdmitRemoveAndMuteAttendeesWhenThePolicyGrantsIt() {
        GuestCapabilities moderating = GuestCapabilities.defaults().with(Capability.ADMIT_FROM_LOBBY)
                .with(Capability.MANAGE_PARTICIPANTS).withPresenterRole();
        var invitees = List.of(new Invitee("8:acs:res_assistant", InviteeRole.PRESENTER));
        String link = h.meeting(LobbyBypassScope.ORGANIZATION, AllowedPresenters.ROLE_IS_PRESENTER, invitees,
                MeetingPolicy.defaults().withGuestCapabilities(moderating));
        TestClient organizer = h.organizer(link);
        TestClient assistant = h.join(h.auth.guest("assistant"), link, "Assistant");
        String assistantId = awaitState(assistant, "InLobby").path("participantId").asText();
        organizer.send(frame("admit", "a0", assistantId));
        assertThat(awaitState(assistant, "Connected").path("role").asText()).isEqualTo("presenter");
        TestClient patient = h.join(h.auth.guest("patient"), link, "Patient");
        String patientId = awaitState(patient, "InLobby").path("participantId").asText();

        assistant.send(frame("admit", "a", patientId));
        assistant.await("ack", n -> n.path("id").asText().equals("a"));
        awaitState(patient, "Connected");
        patient.send("{\"v\":1,\"type\":\"mute\",\"id\":\"u\",\"muted\":false}");
        patient.await("ack", n -> n.path("id").asText().equals("u"));
        assistant.send(frame("muteParticipant", "m", patientId));
        assistant.await("ack", n -> n.path("id").asText().equals("m"));
        patient.await("mutedByOthers");
        assistant.send(frame("removeParticipant", "r", patientId));
        assistant.await("ack", n -> n.path("id").asText().equals("r"));
        assertThat(patient.awaitEnd().path("subCode").asInt()).isEqualTo(5000);
    }

    @Test
    void aPresenterCannotRemoveTheOrganizerACoOrganizerOrAMemberButRemovesAGuestAttendee() {
        var invitees = List.of(new Invitee("member-carol", InviteeRole.COORGANIZER));
        String link = h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, invitees, MeetingPolicy.defaults());
        TestClient organizer = h.organizer(link);
        String organizerId = organizer.all("stateChanged").getFirst().path("participantId").asText();
        TestClient presenter = member(link, "member-adele", "Adele Vance");
        assertThat(awaitState(presenter, "Connected").path("role").asText()).isEqualTo("presenter");
        TestClient colleague = member(link, "member-bob", "Bob");
        String colleagueId = awaitState(colleague, "Connected").path("participantId").asText();
        TestClient coOrganizer = member(link, "member-carol", "Carol");
        String coOrganizerId = awaitState(coOrganizer, "Connected").path("participantId").asText();
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();

        presenter.send(frame("removeParticipant", "o", organizerId));
        assertThat(presenter.await("error", n -> n.path("id").asText().equals("o")).path("code").asText())
                .isEqualTo("cannotTargetOrganizer");
        presenter.send(frame("removeParticipant", "m", colleagueId));
        presenter.send(frame("removeParticipant", "c", coOrganizerId));
        for (String id : List.of("m", "c")) {
            assertThat(presenter.await("error", n -> n.path("id").asText().equals(id)).path("code").asText())
                    .isEqualTo("cannotTargetParticipant");
        }
        presenter.send(frame("removeParticipant", "g", guestId));
        presenter.await("ack", n -> n.path("id").asText().equals("g"));
        assertThat(guest.awaitEnd().path("subCode").asInt()).isEqualTo(5000);
        assertThat(colleague.isClosed()).isFalse();
        assertThat(coOrganizer.isClosed()).isFalse();
        assertThat(organizer.isClosed()).isFalse();

        organizer.send(frame("removeParticipant", "x", colleagueId));
        organizer.await("ack", n -> n.path("id").asText().equals("x"));
        assertThat(colleague.awaitEnd().path("subCode").asInt()).isEqualTo(5000);
    }

    private TestClient member(String link, String memberId, String name) {
        return h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, memberId, name), link, "ignored");
    }

    private static String frame(String type, String id, String participantId) {
        return "{\"v\":1,\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"participantId\":\"" + participantId + "\"}";
    }
}
