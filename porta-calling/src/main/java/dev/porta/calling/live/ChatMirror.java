// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.chat.ChatEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The live meeting's copy of its chat history, owned by the meeting's actor, so that reading it (a joiner's
 * history, the Chat API's list) never waits for the database. It is loaded from the {@code ChatHistoryStore}
 * once when the live meeting starts; every change is applied here first and written through to the store
 * off the actor. Bounded as the stores bound a meeting: {@code calling.chat-history-size} messages and
 * {@code calling.chat-history-bytes} wire bytes, the oldest going first.
 */
final class ChatMirror {
    private final int maxCount;
    private final long maxBytes;
    private final List<ChatEntry> entries = new ArrayList<>();
    private long bytes;

    ChatMirror(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** The store's history, read when the meeting started; messages posted before it arrived stay after it. */
    void loaded(List<ChatEntry> stored) {
        List<ChatEntry> live = new ArrayList<>(entries);
        entries.clear();
        bytes = 0;
        stored.forEach(this::append);
        live.forEach(this::append);
    }

    void append(ChatEntry e) {
        if (e.wireBytes() > maxBytes) {
            return; // as the stores: cannot happen with the protocol's limits and a sane configuration
        }
        entries.add(e);
        bytes += e.wireBytes();
        while (entries.size() > maxCount || bytes > maxBytes) {
            bytes -= entries.removeFirst().wireBytes();
        }
    }

    /** False when the message is no longer kept. */
    boolean replace(ChatEntry edited) {
        if (edited.wireBytes() > maxBytes) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).messageId().equals(edited.messageId())) {
                bytes += edited.wireBytes() - entries.get(i).wireBytes();
                entries.set(i, edited);
                while (bytes > maxBytes && entries.size() > 1) {
                    bytes -= entries.removeFirst().wireBytes();
                }
                return true;
            }
        }
        return false;
    }

    boolean remove(String messageId) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).messageId().equals(messageId)) {
                bytes -= entries.remove(i).wireBytes();
                return true;
            }
        }
        return false;
    }

    /** Oldest first. */
    List<ChatEntry> all() {
        return List.copyOf(entries);
    }
}
