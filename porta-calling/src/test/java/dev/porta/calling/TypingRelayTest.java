// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.calling.live.ThreadChat;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Typing notifications from the Chat API reach the other participants' sockets, one per sender per 8 s. */
class TypingRelayTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private ThreadChat thread(String link) {
        return h.calling.threadChat(h.meetings.details(link).meetingId()).orElseThrow();
    }

    @Test
    void aSendersTypingIsRelayedAgainOnlyOnceEightSecondsHavePassed() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("pat"), link, "Pat");
        CallingHarness.awaitState(guest, "Connected");
        ThreadChat thread = thread(link);

        assertThat(thread.typing("8:acs:res_pat")).isTrue();
        assertThat(organizer.await("typingIndicator").path("senderName").asText()).isEqualTo("Pat");
        h.clock.advance(Duration.ofSeconds(7));
        assertThat(thread.typing("8:acs:res_pat")).isFalse();
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(thread.typing("8:acs:res_pat")).isTrue();
        organizer.await("typingIndicator", f -> f.path("receivedOn").asText().equals(h.clock.instant().toString()));
        assertThat(organizer.all("typingIndicator")).hasSize(2);
    }

    @Test
    void typingIsRefusedWhenTheMeetingsChatIsDisabled() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.meetings.setChat(link, ChatMode.DISABLED, ChatHistoryShare.NONE);
        h.organizer(link);
        TestClient guest = h.join(h.auth.guest("pat"), link, "Pat");
        CallingHarness.awaitState(guest, "Connected");

        assertThatThrownBy(() -> thread(link).typing("8:acs:res_pat")).isInstanceOf(ThreadChat.RefusedException.class)
                .satisfies(e -> assertThat(((ThreadChat.RefusedException) e).refusal()).isEqualTo(ThreadChat.Refusal.CHAT_DISABLED));
    }
}
