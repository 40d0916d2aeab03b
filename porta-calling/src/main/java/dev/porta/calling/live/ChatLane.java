// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.chat.ChatHistoryStore;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane of chat history I/O, shared by the meetings whose IDs map to it, off every meeting's actor: a
 * meeting ID always maps to the same lane, so that an ended live session's last write comes before the next
 * session's read. The writes the database missed wait here per meeting ID ({@link UnwrittenChat}), not in
 * the live meeting: a meeting that ends during an outage still has its last chat, and its end, written once
 * the database answers, and a new session of it reads its history only after those writes were tried.
 */
public final class ChatLane {
    private static final Logger LOG = LoggerFactory.getLogger(ChatLane.class);
    private final SerialQueue lane;
    private final ChatHistoryStore store;
    private final int bound;
    /** Meetings with writes waiting for the database; changed only on the lane, read by the sweep. */
    private final Map<String, UnwrittenChat> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean retryQueued = new AtomicBoolean();

    /** @param bound most writes of one meeting kept while the database cannot be reached */
    public ChatLane(String name, ChatHistoryStore store, int bound) {
        this.lane = new SerialQueue(name, 1);
        this.store = store;
        this.bound = bound;
    }

    /** Runs {@code write} for {@code meetingId}, after every earlier write of that meeting on this lane. */
    CompletableFuture<Void> write(String meetingId, Consumer<ChatHistoryStore> write) {
        return lane.submit(() -> {
            UnwrittenChat w = waiting.get(meetingId);
            if (w == null) {
                w = new UnwrittenChat(meetingId, store, bound);
            }
            try {
                w.write(write);
            } finally {
                keepIfWaiting(w);
            }
            return null;
        });
    }

    /** Runs {@code read} on the lane, once the writes of {@code meetingId} still waiting were tried again. */
    <T> CompletableFuture<T> read(String meetingId, Supplier<T> read) {
        return lane.submit(() -> {
            UnwrittenChat w = waiting.get(meetingId);
            if (w != null) {
                retry(w);
            }
            return read.get();
        });
    }

    /** The sweep's part: tries the writes the database missed again (one try queued at a time). */
    public void retryWaiting() {
        if (!waiting.isEmpty() && retryQueued.compareAndSet(false, true)) {
            lane.submit(() -> {
                retryQueued.set(false);
                for (UnwrittenChat w : waiting.values().toArray(UnwrittenChat[]::new)) {
                    try {
                        retry(w);
                    } catch (RuntimeException e) {
                        LOG.warn("calling: a chat history write was refused", e); // the others are still tried
                    }
                }
                return null;
            });
        }
    }

    private void retry(UnwrittenChat w) {
        try {
            w.retry();
        } finally {
            keepIfWaiting(w);
        }
    }

    private void keepIfWaiting(UnwrittenChat w) {
        if (w.waiting() > 0) {
            waiting.put(w.meetingId(), w);
        } else {
            waiting.remove(w.meetingId());
        }
    }
}
