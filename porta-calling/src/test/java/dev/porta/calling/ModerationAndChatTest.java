// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModerationAndChatTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void theOrganizerRemovesAGuestThenEndsTheMeetingForEveryone() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        TestClient other = h.join(h.auth.guest("bob"), link, "Bob");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();
        awaitState(other, "Connected");

        other.send("{\"v\":1,\"type\":\"removeParticipant\",\"id\":\"x\",\"participantId\":\"" + guestId + "\"}");
        // guests do not manage participants under the default policy (review M1), whatever their role
        assertThat(other.await("error").path("code").asText()).isEqualTo("capabilityDisabled");

        organizer.send("{\"v\":1,\"type\":\"removeParticipant\",\"id\":\"r\",\"participantId\":\"" + guestId + "\"}");
        JsonNode removed = guest.awaitEnd();
        assertThat(removed.path("code").asInt()).isZero();
        assertThat(removed.path("subCode").asInt()).isEqualTo(5000);
        assertThat(guest.awaitCloseCode()).isEqualTo(1000);
        assertThat(other.await("rosterDelta", n -> n.path("op").asText().equals("removed"))
                .path("participant").path("id").asText()).isEqualTo(guestId);

        organizer.send("{\"v\":1,\"type\":\"endMeeting\",\"id\":\"e\"}");
        assertThat(other.awaitEnd().path("subCode").asInt()).isEqualTo(4097);
        assertThat(organizer.awaitEnd().path("subCode").asInt()).isEqualTo(4097);
        assertThat(h.calling.node().liveMeetings()).isZero();
        assertThat(h.media.open).isEmpty();
    }

    @Test
    void aLateJoinerReceivesTheChatHistoryWithGuestsMarked() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(link, ChatMode.ENABLED, ChatHistoryShare.ALL); // late members see earlier chat
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(guest, "Connected");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"1\",\"text\":\"Welcome\"}");
        organizer.await("ack");
        guest.send("{\"v\":1,\"type\":\"chat\",\"id\":\"2\",\"text\":\"  Thanks!  \"}");
        guest.await("ack");
        guest.send("{\"v\":1,\"type\":\"chat\",\"id\":\"3\"}");
        assertThat(guest.await("error").path("code").asText()).isEqualTo("invalidMessage");

        TestClient late = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-late", "Late"), link, "ignored");
        awaitState(late, "Connected");
        JsonNode history = late.await("chatHistory").path("messages");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("text").asText()).isEqualTo("Welcome");
        assertThat(history.get(0).path("senderKind").asText()).isEqualTo("member");
        assertThat(history.get(1).path("text").asText()).isEqualTo("Thanks!");
        assertThat(history.get(1).path("senderKind").asText()).isEqualTo("guest");
        assertThat(history.get(1).path("senderName").asText()).isEqualTo("Ada");
    }
}
