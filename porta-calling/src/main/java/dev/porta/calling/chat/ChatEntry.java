// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;

/**
 * One meeting chat message as stored and as sent ({@code senderKind} is {@code member} or {@code guest}).
 *
 * @param senderId    the sender's participant id in the live meeting ({@code p-…}), what the WebSocket shows
 * @param senderRawId the sender's ACS raw id ({@code 8:acs:…} or {@code 8:orgid:…}), what the Chat API shows and
 *                    what decides who may edit or delete the message
 * @param editedAt    when the sender last edited the text; null when never edited
 */
public record ChatEntry(String messageId, String senderId, String senderName, String senderKind, String text,
                        Instant sentAt, String senderRawId, Instant editedAt) {

    /** A message whose sender is known only by participant id (tests, and messages from before raw ids were kept). */
    public ChatEntry(String messageId, String senderId, String senderName, String senderKind, String text, Instant sentAt) {
        this(messageId, senderId, senderName, senderKind, text, sentAt, senderId, null);
    }

    /** This message with another text, edited at {@code at}. */
    public ChatEntry edited(String newText, Instant at) {
        return new ChatEntry(messageId, senderId, senderName, senderKind, newText, sentAt, senderRawId, at);
    }

    /** Room for the frame's fixed parts: field names, ids, kind and timestamp. */
    private static final int FIXED_WIRE_CHARS = 256;

    /**
     * An upper bound of this message's size as a {@code chatMessage} frame, in the bytes a transport
     * queue counts (2 per character): JSON escaping at most doubles a character of text or name
     * (quotes, backslashes, the allowed newline and tab).
     */
    public long wireBytes() {
        return 2L * (FIXED_WIRE_CHARS + 2L * (text.length() + senderName.length() + senderId.length() + senderRawId.length()));
    }
}
