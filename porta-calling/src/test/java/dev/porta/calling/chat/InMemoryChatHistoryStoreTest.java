// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Review finding L7: chat memory is bounded per meeting and across meetings. */
class InMemoryChatHistoryStoreTest {
    private static final Instant T = Instant.parse("2030-01-15T09:00:00Z");

    private static ChatEntry message(int i, int chars) {
        return new ChatEntry("m-" + i, "p-1", "Ada", "guest", "x".repeat(chars), T);
    }

    @Test
    void manyMeetingsFilledInParallelStayWithinTheGlobalBudgetForgettingTheLeastRecentlyUsedFirst() {
        long perMeeting = 64 * 1024;
        var store = new InMemoryChatHistoryStore(500, perMeeting, 4 * perMeeting);
        for (int m = 0; m < 100; m++) {
            for (int i = 0; i < 50; i++) {
                store.append("meeting-" + m, message(i, 4000));
            }
            assertThat(store.heldBytes()).isLessThanOrEqualTo(4 * perMeeting);
        }
        assertThat(store.history("meeting-99")).isNotEmpty();
        assertThat(store.history("meeting-0")).isEmpty();
        long kept = store.history("meeting-99").stream().mapToLong(ChatEntry::wireBytes).sum();
        assertThat(kept).isLessThanOrEqualTo(perMeeting);
        assertThat(store.history("meeting-99").getLast().messageId()).isEqualTo("m-49");
    }

    @Test
    void anEndedMeetingsHistoryIsForgottenAfterItsTimeUnlessASessionStartsAgain() {
        var store = new InMemoryChatHistoryStore(500, 64 * 1024, 1024 * 1024);
        store.append("a", message(1, 10));
        store.append("b", message(1, 10));
        store.meetingEnded("a", T.plusSeconds(60));
        store.meetingEnded("b", T.plusSeconds(60));
        store.meetingStarted("b");
        store.expire(T.plusSeconds(61));
        assertThat(store.history("a")).isEmpty();
        assertThat(store.history("b")).hasSize(1);
        store.forget("b");
        assertThat(store.heldBytes()).isZero();
    }

    @Test
    void eachReadersLatestReceiptIsKeptBoundedAndForgottenWithTheMeeting() {
        var store = new InMemoryChatHistoryStore(500, 64 * 1024, 1024 * 1024);
        store.append("a", message(1, 10));
        for (int i = 0; i <= ChatHistoryStore.MAX_READERS; i++) {
            store.markRead("a", new ReadReceipt("8:acs:reader" + i, "m-1", T.plusSeconds(i)));
        }
        store.markRead("a", new ReadReceipt("8:acs:reader5", "m-1", T.plusSeconds(5_000)));
        var kept = store.readReceipts("a");
        assertThat(kept).hasSize(ChatHistoryStore.MAX_READERS);
        assertThat(kept.getFirst().readerRawId()).isEqualTo("8:acs:reader1");
        assertThat(kept.getLast()).isEqualTo(new ReadReceipt("8:acs:reader5", "m-1", T.plusSeconds(5_000)));
        store.remove("a", "m-1");
        assertThat(store.readReceipts("a")).isEmpty();
        store.append("a", message(2, 10));
        store.markRead("a", new ReadReceipt("8:acs:reader1", "m-2", T));
        store.forget("a");
        assertThat(store.readReceipts("a")).isEmpty();
    }
}
