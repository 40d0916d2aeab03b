// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat history in memory, bounded everywhere (review findings M2 and L7): per meeting by message count and
 * by wire bytes (oldest messages go first), and across meetings by one memory budget (the least recently
 * used meeting's history goes first). Nothing is written to disk.
 */
public final class InMemoryChatHistoryStore implements ChatHistoryStore {
    private final int perMeetingCount;
    private final long perMeetingBytes;
    private final long totalBytes;
    private final Map<String, History> byMeeting = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Instant> forgetAt = new HashMap<>();
    /** Per meeting, each reader's latest receipt in the order they came (oldest first); bounded by MAX_READERS. */
    private final Map<String, LinkedHashMap<String, ReadReceipt>> receipts = new HashMap<>();
    private long heldBytes;

    /** One meeting's messages and their size. */
    private static final class History {
        final ArrayDeque<ChatEntry> entries = new ArrayDeque<>();
        long bytes;
    }

    /**
     * @param perMeetingCount most messages kept per meeting
     * @param perMeetingBytes most wire bytes kept per meeting ({@link ChatEntry#wireBytes()})
     * @param totalBytes      most wire bytes kept across all meetings
     */
    public InMemoryChatHistoryStore(int perMeetingCount, long perMeetingBytes, long totalBytes) {
        if (perMeetingCount < 1 || perMeetingBytes < 1 || totalBytes < perMeetingBytes) {
            throw new IllegalArgumentException("bounds must be positive and the total at least one meeting's");
        }
        this.perMeetingCount = perMeetingCount;
        this.perMeetingBytes = perMeetingBytes;
        this.totalBytes = totalBytes;
    }

    @Override
    public synchronized void append(String meetingId, ChatEntry entry) {
        if (entry.wireBytes() > perMeetingBytes) {
            return; // cannot happen with the protocol's 4,000-character limit and a sane configuration
        }
        History h = byMeeting.computeIfAbsent(meetingId, k -> new History());
        h.entries.addLast(entry);
        h.bytes += entry.wireBytes();
        heldBytes += entry.wireBytes();
        while (h.entries.size() > perMeetingCount || h.bytes > perMeetingBytes) {
            ChatEntry gone = h.entries.removeFirst();
            h.bytes -= gone.wireBytes();
            heldBytes -= gone.wireBytes();
        }
        Iterator<Map.Entry<String, History>> eldest = byMeeting.entrySet().iterator();
        while (heldBytes > totalBytes && eldest.hasNext()) {
            Map.Entry<String, History> e = eldest.next();
            if (e.getValue() != h) {
                heldBytes -= e.getValue().bytes;
                forgetAt.remove(e.getKey());
                receipts.remove(e.getKey());
                eldest.remove();
            }
        }
    }

    @Override
    public synchronized boolean replace(String meetingId, ChatEntry edited) {
        History h = byMeeting.get(meetingId);
        if (h == null || edited.wireBytes() > perMeetingBytes) {
            return false;
        }
        List<ChatEntry> kept = new ArrayList<>(h.entries);
        for (int i = 0; i < kept.size(); i++) {
            ChatEntry old = kept.get(i);
            if (old.messageId().equals(edited.messageId())) {
                kept.set(i, edited);
                long delta = edited.wireBytes() - old.wireBytes();
                h.entries.clear();
                h.entries.addAll(kept);
                h.bytes += delta;
                heldBytes += delta;
                // a longer text may push the meeting over its bound: the oldest messages go, as on append
                while (h.bytes > perMeetingBytes && h.entries.size() > 1) {
                    ChatEntry gone = h.entries.removeFirst();
                    h.bytes -= gone.wireBytes();
                    heldBytes -= gone.wireBytes();
                }
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized boolean remove(String meetingId, String messageId) {
        History h = byMeeting.get(meetingId);
        if (h == null) {
            return false;
        }
        Iterator<ChatEntry> it = h.entries.iterator();
        while (it.hasNext()) {
            ChatEntry e = it.next();
            if (e.messageId().equals(messageId)) {
                Map<String, ReadReceipt> byReader = receipts.get(meetingId);
                if (byReader != null) {
                    byReader.values().removeIf(r -> r.messageId().equals(messageId));
                }
                it.remove();
                h.bytes -= e.wireBytes();
                heldBytes -= e.wireBytes();
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void markRead(String meetingId, ReadReceipt r) {
        LinkedHashMap<String, ReadReceipt> byReader = receipts.computeIfAbsent(meetingId, k -> new LinkedHashMap<>());
        byReader.remove(r.readerRawId());
        byReader.put(r.readerRawId(), r);
        Iterator<String> oldest = byReader.keySet().iterator();
        while (byReader.size() > MAX_READERS) {
            oldest.next();
            oldest.remove();
        }
    }

    @Override
    public synchronized List<ReadReceipt> readReceipts(String meetingId) {
        Map<String, ReadReceipt> byReader = receipts.get(meetingId);
        return byReader == null ? List.of() : List.copyOf(byReader.values());
    }

    @Override
    public synchronized List<ChatEntry> history(String meetingId) {
        History h = byMeeting.get(meetingId);
        return h == null ? List.of() : List.copyOf(h.entries);
    }

    @Override
    public synchronized void meetingStarted(String meetingId) {
        forgetAt.remove(meetingId);
    }

    @Override
    public synchronized void meetingEnded(String meetingId, Instant at) {
        if (byMeeting.containsKey(meetingId)) {
            forgetAt.put(meetingId, at);
        }
    }

    @Override
    public synchronized void forget(String meetingId) {
        forgetAt.remove(meetingId);
        receipts.remove(meetingId);
        History h = byMeeting.remove(meetingId);
        if (h != null) {
            heldBytes -= h.bytes;
        }
    }

    @Override
    public synchronized void expire(Instant now) {
        forgetAt.entrySet().removeIf(e -> {
            if (e.getValue().isAfter(now)) {
                return false;
            }
            History h = byMeeting.remove(e.getKey());
            if (h != null) {
                heldBytes -= h.bytes;
            }
            receipts.remove(e.getKey());
            return true;
        });
    }

    /** Wire bytes held across all meetings (for tests and metrics). */
    public synchronized long heldBytes() {
        return heldBytes;
    }
}
