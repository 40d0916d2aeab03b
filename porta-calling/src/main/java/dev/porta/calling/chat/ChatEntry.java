// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;

/** One meeting chat message as stored and as sent ({@code senderKind} is {@code member} or {@code guest}). */
public record ChatEntry(String messageId, String senderId, String senderName, String senderKind, String text,
                        Instant sentAt) { }
