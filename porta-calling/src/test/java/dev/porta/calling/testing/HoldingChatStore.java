// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.calling.chat.ChatEntry;
import dev.porta.calling.chat.ChatHistoryStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A chat store whose appends can be held, as a database that stalls would hold them; otherwise it is the
 * in-memory store a server builds. A real database cannot be made to stall one write on demand.
 */
public final class HoldingChatStore implements ChatHistoryStore {
    private final ChatHistoryStore store;
    /** While set, each append waits until it counts down (at most 10 s). */
    public volatile CountDownLatch holdAppends;
    /** A permit each time an append started waiting on {@link #holdAppends}. */
    public final Semaphore appendsHeld = new Semaphore(0);
    /** While set, every write fails as the JDBC store's does when the database cannot be reached. */
    public volatile boolean unreachable;

    public HoldingChatStore(ChatHistoryStore store) {
        this.store = store;
    }

    @Override
    public void append(String meetingId, ChatEntry entry) {
        failWhenUnreachable();
        CountDownLatch hold = holdAppends;
        if (hold != null) {
            appendsHeld.release();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.append(meetingId, entry);
    }

    @Override
    public boolean replace(String meetingId, ChatEntry edited) {
        failWhenUnreachable();
        return store.replace(meetingId, edited);
    }

    @Override
    public boolean remove(String meetingId, String messageId) {
        failWhenUnreachable();
        return store.remove(meetingId, messageId);
    }

    @Override
    public List<ChatEntry> history(String meetingId) {
        return store.history(meetingId);
    }

    @Override
    public void meetingStarted(String meetingId) {
        store.meetingStarted(meetingId);
    }

    @Override
    public void meetingEnded(String meetingId, Instant forgetAt) {
        store.meetingEnded(meetingId, forgetAt);
    }

    @Override
    public void forget(String meetingId) {
        store.forget(meetingId);
    }

    @Override
    public void expire(Instant now) {
        store.expire(now);
    }

    @Override
    public void markRead(String meetingId, dev.porta.calling.chat.ReadReceipt receipt) {
        store.markRead(meetingId, receipt);
    }

    @Override
    public List<dev.porta.calling.chat.ReadReceipt> readReceipts(String meetingId) {
        return store.readReceipts(meetingId);
    }

    private void failWhenUnreachable() {
        if (unreachable) {
            throw new dev.porta.common.Sql.StorageException("INSERT INTO calling_chat_message",
                    new java.sql.SQLTransientConnectionException("porta-db - Connection is not available, request timed out", "08001"));
        }
    }
}
