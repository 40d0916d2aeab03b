// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;

/** One meeting chat message as stored and as sent ({@code senderKind} is {@code member} or {@code guest}). */
public record ChatEntry(String messageId, String senderId, String senderName, String senderKind, String text,
                        Instant sentAt) {
    /** Room for the frame's fixed parts: field names, ids, kind and timestamp. */
    private static final int FIXED_WIRE_CHARS = 256;

    /**
     * An upper bound of this message's size as a {@code chatMessage} frame, in the bytes a transport
     * queue counts (2 per character): JSON escaping at most doubles a character of text or name
     * (quotes, backslashes, the allowed newline and tab).
     */
    public long wireBytes() {
        return 2L * (FIXED_WIRE_CHARS + 2L * (text.length() + senderName.length() + senderId.length()));
    }
}
