// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.DirectConnection;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review findings M2 and M3: chat history cannot make a meeting unjoinable, and joiners see only what they may. */
class ChatHistoryTest {
    /** The server's default {@code calling.max-queued-bytes}. */
    private static final long SLOW_CONSUMER_BYTES = 4L * 1024 * 1024;

    private final CallingHarness h = new CallingHarness(CallingConfig.defaults().withMessageRate(1000, 1000));

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void threeHundredLargeChatMessagesLeaveLaterJoinsUnaffected() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(link, ChatMode.ENABLED, ChatHistoryShare.ALL); // the worst case: history is shared
        TestClient organizer = h.organizer(link);
        DirectConnection attacker = DirectConnection.open(h.calling, "198.51.100.66", 0);
        attacker.text(join(h.auth.guest("mallory"), link, "Mallory"));
        String quotes = "\\\"".repeat(4000); // 4,000 '"' characters: Jackson escapes each to two
        for (int i = 0; i < 300; i++) {
            attacker.text("{\"v\":1,\"type\":\"chat\",\"id\":\"c" + i + "\",\"text\":\"" + quotes + "\"}");
        }
        assertThat(attacker.all("ack")).hasSize(300);

        // a member who reads nothing during the join, behind the server's slow-consumer rule
        DirectConnection joiner = DirectConnection.open(h.calling, "198.51.100.7", 0, SLOW_CONSUMER_BYTES);
        joiner.text(join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "ignored"));
        assertThat(joiner.isClosed()).isFalse();
        assertThat(joiner.all("stateChanged").getFirst().path("state").asText()).isEqualTo("Connected");
        List<JsonNode> pages = joiner.all("chatHistory");
        assertThat(pages.size()).isGreaterThan(1);
        assertThat(pages.getLast().has("more")).isFalse();
        assertThat(pages.subList(0, pages.size() - 1)).allMatch(p -> p.path("more").asBoolean());
        int received = pages.stream().mapToInt(p -> p.path("messages").size()).sum();
        assertThat(received).isPositive().isLessThan(300);
        assertThat(joiner.queuedBytes()).isLessThan(SLOW_CONSUMER_BYTES / 2);
        for (String frame : joiner.frames) {
            assertThat(frame.length() * 2L).isLessThanOrEqualTo(h.calling.config().chatHistoryPageBytes() + 20_000);
        }

        TestClient late = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-bob", "Bob"), link, "ignored");
        awaitState(late, "Connected");
        assertThat(late.isClosed()).isFalse();
        assertThat(organizer.isClosed()).isFalse();
    }

    @Test
    void aGuestSeesChatOnlyFromItsAdmissionOnEvenWhenTheMeetingSharesHistory() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(link, ChatMode.ENABLED, ChatHistoryShare.ALL);
        TestClient organizer = h.organizer(link);
        chat(organizer, "before", "private to the clinic");
        h.clock.advance(Duration.ofSeconds(1));
        String token = h.auth.guest("ada");
        TestClient guest = h.join(token, link, "Ada");
        String resumeToken = awaitState(guest, "Connected").path("resumeToken").asText();
        assertThat(guest.await("chatHistory").path("messages")).isEmpty();
        chat(guest, "mine", "hello");

        guest.drop();
        TestClient back = h.connect().send("{\"v\":1,\"type\":\"resume\",\"token\":\"" + token
                + "\",\"resumeToken\":\"" + resumeToken + "\"}");
        awaitState(back, "Connected");
        assertThat(texts(back.await("chatHistory"))).containsExactly("hello");

        TestClient member = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "x");
        awaitState(member, "Connected");
        assertThat(texts(member.await("chatHistory"))).containsExactly("private to the clinic", "hello");
    }

    @Test
    void byDefaultALaterPatientSeesNothingOfAnEarlierSessionOrOfChatBeforeTheyJoined() {
        String link = h.meeting(LobbyBypassScope.EVERYONE); // shareMeetingChatHistoryDefault: none
        TestClient organizer = h.organizer(link);
        TestClient patientA = h.join(h.auth.guest("a"), link, "Patient A");
        awaitState(patientA, "Connected");
        chat(patientA, "a", "my diagnosis");
        organizer.send("{\"v\":1,\"type\":\"leave\"}");
        patientA.send("{\"v\":1,\"type\":\"leave\"}");
        patientA.awaitEnd();
        organizer.awaitEnd();
        assertThat(h.calling.node().liveMeetings()).isZero();

        h.clock.advance(Duration.ofMinutes(5));
        TestClient organizerAgain = h.organizer(link);
        assertThat(organizerAgain.await("chatHistory").path("messages")).isEmpty();
        TestClient patientB = h.join(h.auth.guest("b"), link, "Patient B");
        awaitState(patientB, "Connected");
        assertThat(patientB.await("chatHistory").path("messages")).isEmpty();
        TestClient member = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "x");
        awaitState(member, "Connected");
        assertThat(member.await("chatHistory").path("messages")).isEmpty();
    }

    @Test
    void aLimitedChatEndsWithTheLiveMeetingAndAnEnabledOneAfterTheRetention() {
        String limited = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(limited, ChatMode.LIMITED, ChatHistoryShare.ALL);
        String enabled = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(enabled, ChatMode.ENABLED, ChatHistoryShare.ALL);
        for (String link : List.of(limited, enabled)) {
            TestClient organizer = h.organizer(link);
            chat(organizer, "1", "agenda");
            organizer.send("{\"v\":1,\"type\":\"leave\"}");
            organizer.awaitEnd();
        }
        h.clock.advance(Duration.ofMinutes(1));
        h.calling.sweep();
        assertThat(h.organizer(limited).await("chatHistory").path("messages")).isEmpty();
        TestClient again = h.organizer(enabled);
        assertThat(texts(again.await("chatHistory"))).containsExactly("agenda");
        again.send("{\"v\":1,\"type\":\"leave\"}");
        again.awaitEnd();

        h.clock.advance(h.calling.config().chatRetention());
        h.calling.sweep();
        assertThat(h.organizer(enabled).await("chatHistory").path("messages")).isEmpty();
    }

    @Test
    void aMeetingWithChatDisabledSendsNoHistory() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(link, ChatMode.ENABLED, ChatHistoryShare.ALL);
        TestClient organizer = h.organizer(link);
        chat(organizer, "1", "before the switch");
        h.meetings.setChat(link, ChatMode.DISABLED, ChatHistoryShare.ALL);
        organizer.send("{\"v\":1,\"type\":\"endMeeting\"}");
        organizer.awaitEnd();
        assertThat(h.organizer(link).await("chatHistory").path("messages")).isEmpty();
    }

    private static void chat(TestClient c, String id, String text) {
        c.send("{\"v\":1,\"type\":\"chat\",\"id\":\"" + id + "\",\"text\":\"" + text + "\"}");
        c.await("ack", n -> n.path("id").asText().equals(id));
    }

    private static List<String> texts(JsonNode history) {
        List<String> out = new ArrayList<>();
        history.path("messages").forEach(m -> out.add(m.path("text").asText()));
        return out;
    }

    private static String join(String token, String link, String name) {
        return "{\"v\":1,\"type\":\"join\",\"token\":\"" + token + "\",\"displayName\":\"" + name
                + "\",\"locator\":{\"meetingLink\":\"" + link + "\"}}";
    }
}
