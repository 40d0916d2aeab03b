// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Chat history in memory: bounded messages per meeting, bounded meetings (least recently used forgotten). */
public final class InMemoryChatHistoryStore implements ChatHistoryStore {
    private final int perMeeting;
    private final Map<String, Deque<ChatEntry>> byMeeting;

    public InMemoryChatHistoryStore(int perMeeting, int maxMeetings) {
        if (perMeeting < 1 || maxMeetings < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.perMeeting = perMeeting;
        this.byMeeting = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<ChatEntry>> eldest) {
                return size() > maxMeetings;
            }
        };
    }

    @Override
    public synchronized void append(String meetingId, ChatEntry entry) {
        Deque<ChatEntry> d = byMeeting.computeIfAbsent(meetingId, k -> new ArrayDeque<>());
        d.addLast(entry);
        while (d.size() > perMeeting) {
            d.removeFirst();
        }
    }

    @Override
    public synchronized List<ChatEntry> recent(String meetingId, int max) {
        Deque<ChatEntry> d = byMeeting.get(meetingId);
        if (d == null) {
            return List.of();
        }
        List<ChatEntry> all = new ArrayList<>(d);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
}
