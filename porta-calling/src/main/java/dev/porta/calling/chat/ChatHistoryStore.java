// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.util.List;

/** Port: meeting chat history, kept per meeting (across live sessions of it) for late joiners. */
public interface ChatHistoryStore {

    void append(String meetingId, ChatEntry entry);

    /** At most {@code max} most recent messages of the meeting, oldest first. */
    List<ChatEntry> recent(String meetingId, int max);
}
