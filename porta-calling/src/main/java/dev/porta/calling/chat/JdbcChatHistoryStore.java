// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import dev.porta.common.Database;
import dev.porta.common.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Meeting chat in the database (issue 14: messages survive a restart and are what the Chat API lists),
 * bounded like {@link InMemoryChatHistoryStore} per meeting: by message count and wire bytes, the oldest
 * messages going first. Each change runs in one transaction, so the bounds hold after every call.
 */
public final class JdbcChatHistoryStore implements ChatHistoryStore {
    private static final String COLUMNS =
            "message_id, sender_id, sender_name, sender_kind, text, sent_at, sender_raw_id, edited_at";

    private final Sql sql;
    private final int perMeetingCount;
    private final long perMeetingBytes;

    /**
     * @param perMeetingCount most messages kept per meeting
     * @param perMeetingBytes most wire bytes kept per meeting ({@link ChatEntry#wireBytes()})
     */
    public JdbcChatHistoryStore(Database db, int perMeetingCount, long perMeetingBytes) {
        if (perMeetingCount < 1 || perMeetingBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        db.migrate("calling");
        this.sql = new Sql(db);
        this.perMeetingCount = perMeetingCount;
        this.perMeetingBytes = perMeetingBytes;
    }

    @Override
    public void append(String meetingId, ChatEntry e) {
        if (e.wireBytes() > perMeetingBytes) {
            return; // cannot happen with the message size limits and a sane configuration
        }
        sql.transaction(c -> {
            Sql.update(c, "INSERT INTO calling_chat_message (meeting_id, " + COLUMNS + ", wire_bytes)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", meetingId, e.messageId(), e.senderId(), e.senderName(),
                    e.senderKind(), e.text(), e.sentAt(), e.senderRawId(), e.editedAt(), e.wireBytes());
            trim(c, meetingId);
            return null;
        });
    }

    @Override
    public boolean replace(String meetingId, ChatEntry edited) {
        if (edited.wireBytes() > perMeetingBytes) {
            return false;
        }
        return sql.transaction(c -> {
            int n = Sql.update(c, "UPDATE calling_chat_message SET text = ?, edited_at = ?, wire_bytes = ?"
                            + " WHERE meeting_id = ? AND message_id = ?", edited.text(), edited.editedAt(), edited.wireBytes(),
                    meetingId, edited.messageId());
            trim(c, meetingId);
            return n == 1;
        });
    }

    @Override
    public boolean remove(String meetingId, String messageId) {
        return sql.transaction(c -> {
            Sql.update(c, "DELETE FROM calling_chat_read_receipt WHERE meeting_id = ? AND message_id = ?", meetingId, messageId);
            return Sql.update(c, "DELETE FROM calling_chat_message WHERE meeting_id = ? AND message_id = ?",
                    meetingId, messageId) == 1;
        });
    }

    @Override
    public void markRead(String meetingId, ReadReceipt r) {
        // Delete and insert rather than a dialect's upsert, so H2 and PostgreSQL run the same SQL; the live
        // meeting serializes one meeting's receipts, so no two transactions insert the same reader at once.
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM calling_chat_read_receipt WHERE meeting_id = ? AND reader_raw_id = ?",
                    meetingId, r.readerRawId());
            Sql.update(c, "INSERT INTO calling_chat_read_receipt (meeting_id, reader_raw_id, message_id, read_at)"
                    + " VALUES (?, ?, ?, ?)", meetingId, r.readerRawId(), r.messageId(), r.readOn());
            long readers = Sql.list(c, "SELECT COUNT(*) FROM calling_chat_read_receipt WHERE meeting_id = ?",
                    rs -> rs.getLong(1), meetingId).getFirst();
            if (readers > MAX_READERS) { // each call adds at most one reader: the oldest one goes
                List<String> oldest = Sql.list(c, "SELECT reader_raw_id FROM calling_chat_read_receipt WHERE meeting_id = ?"
                        + " ORDER BY read_at, reader_raw_id FETCH FIRST " + (readers - MAX_READERS) + " ROWS ONLY",
                        rs -> rs.getString(1), meetingId);
                for (String gone : oldest) {
                    Sql.update(c, "DELETE FROM calling_chat_read_receipt WHERE meeting_id = ? AND reader_raw_id = ?",
                            meetingId, gone);
                }
            }
            return null;
        });
    }

    @Override
    public List<ReadReceipt> readReceipts(String meetingId) {
        return sql.list("SELECT reader_raw_id, message_id, read_at FROM calling_chat_read_receipt WHERE meeting_id = ?"
                        + " ORDER BY read_at, reader_raw_id",
                rs -> new ReadReceipt(rs.getString(1), rs.getString(2), Sql.instant(rs, "read_at").orElseThrow()), meetingId);
    }

    @Override
    public List<ChatEntry> history(String meetingId) {
        return sql.list("SELECT " + COLUMNS + " FROM calling_chat_message WHERE meeting_id = ? ORDER BY seq",
                JdbcChatHistoryStore::entry, meetingId);
    }

    @Override
    public void meetingStarted(String meetingId) {
        sql.update("DELETE FROM calling_chat_forget WHERE meeting_id = ?", meetingId);
    }

    @Override
    public void meetingEnded(String meetingId, Instant forgetAt) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM calling_chat_forget WHERE meeting_id = ?", meetingId);
            Sql.update(c, "INSERT INTO calling_chat_forget (meeting_id, forget_at) VALUES (?, ?)", meetingId, forgetAt);
            return null;
        });
    }

    @Override
    public void forget(String meetingId) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM calling_chat_message WHERE meeting_id = ?", meetingId);
            Sql.update(c, "DELETE FROM calling_chat_read_receipt WHERE meeting_id = ?", meetingId);
            Sql.update(c, "DELETE FROM calling_chat_forget WHERE meeting_id = ?", meetingId);
            return null;
        });
    }

    @Override
    public void expire(Instant now) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM calling_chat_message WHERE meeting_id IN"
                    + " (SELECT meeting_id FROM calling_chat_forget WHERE forget_at <= ?)", now);
            Sql.update(c, "DELETE FROM calling_chat_read_receipt WHERE meeting_id IN"
                    + " (SELECT meeting_id FROM calling_chat_forget WHERE forget_at <= ?)", now);
            Sql.update(c, "DELETE FROM calling_chat_forget WHERE forget_at <= ?", now);
            return null;
        });
    }

    /** Deletes the meeting's oldest messages until its count and bytes are within bounds. */
    private void trim(Connection c, String meetingId) throws SQLException {
        List<long[]> newestFirst = Sql.list(c, "SELECT seq, wire_bytes FROM calling_chat_message WHERE meeting_id = ?"
                + " ORDER BY seq DESC", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, meetingId);
        long bytes = 0;
        for (int i = 0; i < newestFirst.size(); i++) {
            bytes += newestFirst.get(i)[1];
            if (i >= perMeetingCount || bytes > perMeetingBytes) {
                Sql.update(c, "DELETE FROM calling_chat_message WHERE meeting_id = ? AND seq <= ?", meetingId,
                        newestFirst.get(i)[0]);
                return;
            }
        }
    }

    private static ChatEntry entry(ResultSet rs) throws SQLException {
        return new ChatEntry(rs.getString("message_id"), rs.getString("sender_id"), rs.getString("sender_name"),
                rs.getString("sender_kind"), rs.getString("text"), Sql.instant(rs, "sent_at").orElseThrow(),
                rs.getString("sender_raw_id"), Sql.instant(rs, "edited_at").orElse(null));
    }
}
