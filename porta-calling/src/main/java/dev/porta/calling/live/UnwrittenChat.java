// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.chat.ChatHistoryStore;
import dev.porta.common.Database;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One meeting's chat history writes on their way to the database. When the database cannot be reached a write
 * waits here (the message is live already: everyone got it, the meeting's history has it) and is written, in
 * order, once the database answers: the sweep tries every second. Meanwhile later writes queue behind it without
 * trying, so the chat does not wait for {@code db.connect-timeout} at every message. At most {@code bound} writes
 * wait; beyond that the oldest is dropped (the history in the database misses the oldest of the outage).
 *
 * <p>Kept by the meeting's {@link ChatLane} while writes wait, and touched only on that lane.
 */
final class UnwrittenChat {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UnwrittenChat.class);
    private final String meetingId;
    private final ChatHistoryStore store;
    private final int bound;
    /** The writes the database missed, oldest first. */
    private final ArrayDeque<Consumer<ChatHistoryStore>> queue = new ArrayDeque<>();
    /** The size of {@link #queue} after the last try (0 while the database answers). */
    private int count;

    UnwrittenChat(String meetingId, ChatHistoryStore store, int bound) {
        this.meetingId = meetingId;
        this.store = store;
        this.bound = bound;
    }

    /** Writes {@code write} now, or after the writes still waiting for the database. On the chat I/O lane. */
    void write(Consumer<ChatHistoryStore> write) {
        queue.add(write);
        if (queue.size() == 1) {
            writeWaiting();
        } else if (queue.size() > bound) {
            queue.removeFirst();
            LOG.warn("calling: meeting {}: a chat history write dropped: the database has been unreachable for {} writes",
                    meetingId, bound);
        }
        count = queue.size();
    }

    /** How many writes wait for the database. */
    int waiting() {
        return count;
    }

    String meetingId() {
        return meetingId;
    }

    /** Tries the waiting writes again. On the chat I/O lane. */
    void retry() {
        writeWaiting();
    }

    /** Writes the waiting writes, oldest first, until the database fails to answer. */
    private void writeWaiting() {
        while (!queue.isEmpty()) {
            try {
                queue.peekFirst().accept(store);
            } catch (RuntimeException e) {
                if (!Database.unreachable(e)) {
                    queue.removeFirst(); // refused by the database: trying again changes nothing
                    count = queue.size();
                    throw e;
                }
                if (count == 0) { // once per outage
                    LOG.warn("calling: meeting {}: the database cannot be reached ({}); chat is kept in the meeting and written once it answers",
                            meetingId, e.toString());
                }
                count = queue.size();
                return;
            }
            queue.removeFirst();
        }
        if (count > 0) {
            LOG.info("calling: meeting {}: the database answers again; the chat it missed is written", meetingId);
        }
        count = 0;
    }
}
