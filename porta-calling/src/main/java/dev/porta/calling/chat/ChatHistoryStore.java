// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;
import java.util.List;

/**
 * Port: meeting chat history for late joiners and resumes, kept per meeting and bounded by the store.
 * The live meeting decides what a joiner may see of it; the store decides how long and how much is kept.
 */
public interface ChatHistoryStore {
    /**
     * Most readers whose latest read receipt a meeting keeps; beyond it the oldest receipt goes. Far above a
     * meeting's capacity, so only a meeting that many different people passed through loses receipts.
     */
    int MAX_READERS = 1000;

    void append(String meetingId, ChatEntry entry);

    /**
     * Replaces the kept message with {@code edited}'s id by {@code edited} (the Chat API's update).
     *
     * @return false when the store no longer keeps that message
     */
    boolean replace(String meetingId, ChatEntry edited);

    /**
     * Forgets one message (the Chat API's delete) and the read receipts that name it.
     *
     * @return false when the store did not keep that message
     */
    boolean remove(String meetingId, String messageId);

    /**
     * Keeps {@code receipt} as its reader's latest in the meeting (replacing the reader's earlier one), bounded
     * by {@link #MAX_READERS}. Receipts are forgotten with the meeting's messages.
     */
    void markRead(String meetingId, ReadReceipt receipt);

    /** The latest read receipt of each reader of the meeting's chat, oldest first. */
    List<ReadReceipt> readReceipts(String meetingId);

    /** The meeting's kept messages, oldest first. */
    List<ChatEntry> history(String meetingId);

    /** A live session of the meeting started: its history is no longer due to expire. */
    void meetingStarted(String meetingId);

    /** The live meeting ended: keep its history until {@code forgetAt} (for its next session), then forget it. */
    void meetingEnded(String meetingId, Instant forgetAt);

    /** Forgets the meeting's history now. */
    void forget(String meetingId);

    /** Forgets histories of ended meetings whose time is up; called periodically. */
    void expire(Instant now);
}
