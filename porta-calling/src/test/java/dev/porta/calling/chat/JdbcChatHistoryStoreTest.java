// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.TestDatabases;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcChatHistoryStoreTest {
    private static final Instant T = Instant.parse("2030-01-15T09:00:00Z");

    private static ChatEntry message(int i, int chars) {
        return new ChatEntry("m-" + i + "-abc", "p-1", "Ada", "guest", "x".repeat(chars), T.plusSeconds(i),
                "8:acs:r_ada", null);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void messagesSurviveARestartWithTheirSenderAndEdits(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            store.append("meeting-1", message(1, 5));
            store.append("meeting-1", message(2, 5));
            store.append("meeting-2", message(3, 5));
            assertThat(store.replace("meeting-1", message(1, 5).edited("edited", T.plusSeconds(9)))).isTrue();
            assertThat(store.remove("meeting-1", "m-2-abc")).isTrue();
            assertThat(store.remove("meeting-1", "m-2-abc")).isFalse();

            var restarted = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            assertThat(restarted.history("meeting-1")).containsExactly(message(1, 5).edited("edited", T.plusSeconds(9)));
            assertThat(restarted.history("meeting-2")).containsExactly(message(3, 5));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aMeetingKeepsAtMostItsCountAndBytesDroppingTheOldestFirst(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            long oneMessage = message(0, 100).wireBytes();
            var store = new JdbcChatHistoryStore(t.database(), 3, oneMessage * 2);
            for (int i = 1; i <= 5; i++) {
                store.append("meeting-1", message(i, 100));
            }
            assertThat(store.history("meeting-1")).extracting(ChatEntry::messageId).containsExactly("m-4-abc", "m-5-abc");

            var byCount = new JdbcChatHistoryStore(t.database(), 3, 1_000_000);
            for (int i = 1; i <= 5; i++) {
                byCount.append("meeting-2", message(i, 1));
            }
            assertThat(byCount.history("meeting-2")).extracting(ChatEntry::messageId)
                    .containsExactly("m-3-abc", "m-4-abc", "m-5-abc");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void anEndedMeetingsChatIsForgottenAfterItsTimeUnlessASessionStartsAgain(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            store.append("ended", message(1, 5));
            store.append("resumed", message(2, 5));
            store.meetingEnded("ended", T.plusSeconds(60));
            store.meetingEnded("resumed", T.plusSeconds(60));
            store.meetingStarted("resumed");

            store.expire(T.plusSeconds(59));
            assertThat(store.history("ended")).hasSize(1);
            store.expire(T.plusSeconds(60));
            assertThat(store.history("ended")).isEmpty();
            assertThat(store.history("resumed")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void eachReadersLatestReceiptSurvivesARestart(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            store.append("meeting-1", message(1, 5));
            store.append("meeting-1", message(2, 5));
            store.markRead("meeting-1", new ReadReceipt("8:acs:r_ada", "m-1-abc", T.plusSeconds(10)));
            store.markRead("meeting-1", new ReadReceipt("8:orgid:bob", "m-1-abc", T.plusSeconds(11)));
            store.markRead("meeting-1", new ReadReceipt("8:acs:r_ada", "m-2-abc", T.plusSeconds(12)));
            store.markRead("meeting-2", new ReadReceipt("8:acs:r_ada", "m-9-abc", T.plusSeconds(13)));

            var restarted = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            assertThat(restarted.readReceipts("meeting-1")).containsExactly(
                    new ReadReceipt("8:orgid:bob", "m-1-abc", T.plusSeconds(11)),
                    new ReadReceipt("8:acs:r_ada", "m-2-abc", T.plusSeconds(12)));
            assertThat(restarted.readReceipts("meeting-2")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void receiptsGoWithTheirMessageAndWithTheMeetingsChat(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            store.append("meeting-1", message(1, 5));
            store.append("meeting-1", message(2, 5));
            store.markRead("meeting-1", new ReadReceipt("8:acs:r_ada", "m-1-abc", T));
            store.markRead("meeting-1", new ReadReceipt("8:orgid:bob", "m-2-abc", T));
            store.remove("meeting-1", "m-1-abc");
            assertThat(store.readReceipts("meeting-1")).extracting(ReadReceipt::readerRawId).containsExactly("8:orgid:bob");

            store.meetingEnded("meeting-1", T.plusSeconds(60));
            store.expire(T.plusSeconds(60));
            assertThat(store.readReceipts("meeting-1")).isEmpty();
            store.append("meeting-3", message(3, 5));
            store.markRead("meeting-3", new ReadReceipt("8:acs:r_ada", "m-3-abc", T));
            store.forget("meeting-3");
            assertThat(store.readReceipts("meeting-3")).isEmpty();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aMeetingKeepsAtMostMaxReadersReceiptsDroppingTheOldest(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcChatHistoryStore(t.database(), 10, 1_000_000);
            store.append("meeting-1", message(1, 5));
            for (int i = 0; i <= ChatHistoryStore.MAX_READERS; i++) {
                store.markRead("meeting-1", new ReadReceipt("8:acs:reader" + i, "m-1-abc", T.plusSeconds(i)));
            }
            var kept = store.readReceipts("meeting-1");
            assertThat(kept).hasSize(ChatHistoryStore.MAX_READERS);
            assertThat(kept.getFirst().readerRawId()).isEqualTo("8:acs:reader1");
            assertThat(kept.getLast().readerRawId()).isEqualTo("8:acs:reader" + ChatHistoryStore.MAX_READERS);
        }
    }
}
