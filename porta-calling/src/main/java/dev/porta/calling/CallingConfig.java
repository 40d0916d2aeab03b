// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.common.Config;
import java.time.Duration;

/**
 * Calling settings; keys under {@code calling.} in porta.conf.
 *
 * @param maxParticipants         seats per meeting: Connected and reconnecting participants ({@code calling.max-participants});
 *                                the organizer always gets in
 * @param maxFrameChars           largest text frame accepted ({@code calling.max-frame-chars})
 * @param messageBurst            frames a connection may send at once ({@code calling.message-burst})
 * @param messagesPerSecond       sustained frames per second per connection ({@code calling.messages-per-second})
 * @param resumeGrace             how long a dropped participant keeps its place ({@code calling.resume-grace})
 * @param displayNameMax          longest display name ({@code calling.display-name-max})
 * @param chatHistorySize         chat messages kept per meeting for late joiners ({@code calling.chat-history-size})
 * @param passcodeAttemptsPerClient meeting-ID joins per client address per window ({@code calling.passcode-attempts-per-client})
 * @param passcodeAttemptsPerMeeting wrong passcodes per meeting ID per window ({@code calling.passcode-attempts-per-meeting})
 * @param passcodeWindow          the window both passcode limits refill over ({@code calling.passcode-window})
 * @param joinBefore              how early before its start a meeting may be joined ({@code calling.join-before})
 * @param joinAfter               how late after its end a meeting may still be joined ({@code calling.join-after})
 * @param togetherSeats           most seats in Together mode ({@code calling.together-seats})
 * @param maxLobby                people waiting in one meeting's lobby, apart from seats ({@code calling.max-lobby})
 * @param joinDeadline            a new socket must join or resume within this ({@code calling.join-deadline})
 * @param maxUnjoinedPerAddress   sockets per client address that have not joined yet ({@code calling.max-unjoined-per-address})
 * @param chatHistoryBytes        chat history kept per meeting, in wire bytes ({@code calling.chat-history-bytes})
 * @param chatHistoryPageBytes    largest {@code chatHistory} frame, in wire bytes ({@code calling.chat-history-page-bytes})
 * @param chatMemoryBytes         chat history kept across all meetings, in wire bytes ({@code calling.chat-memory-bytes})
 * @param chatRetention           how long an ended meeting's history is kept for its next session ({@code calling.chat-retention})
 * @param meetingQueue            requests waiting for one live meeting's actor at once; beyond it they are refused as
 *                                busy ({@code calling.meeting-queue})
 * @param rosterWindow            how long roster changes are gathered before they go out as one batch to each client
 *                                that speaks roster version 2 ({@code calling.roster-window})
 * @param rosterPageSize          most roster entries a version-2 client gets at once: the size of its entry snapshot and
 *                                the largest {@code rosterPage} it may ask for ({@code calling.roster-page-size})
 */
public record CallingConfig(int maxParticipants, int maxFrameChars, int messageBurst, int messagesPerSecond,
                            Duration resumeGrace, int displayNameMax, int chatHistorySize,
                            int passcodeAttemptsPerClient, int passcodeAttemptsPerMeeting, Duration passcodeWindow,
                            Duration joinBefore, Duration joinAfter, int togetherSeats,
                            int maxLobby, Duration joinDeadline, int maxUnjoinedPerAddress,
                            int chatHistoryBytes, int chatHistoryPageBytes, long chatMemoryBytes, Duration chatRetention,
                            int meetingQueue, Duration rosterWindow, int rosterPageSize) {

    public CallingConfig {
        if (chatHistoryPageBytes > chatHistoryBytes) {
            throw new IllegalArgumentException("calling.chat-history-page-bytes must not exceed calling.chat-history-bytes");
        }
        if (chatMemoryBytes < chatHistoryBytes) {
            throw new IllegalArgumentException("calling.chat-memory-bytes must be at least calling.chat-history-bytes");
        }
        if (rosterWindow.isNegative() || rosterWindow.compareTo(MAX_ROSTER_WINDOW) > 0) {
            throw new IllegalArgumentException("calling.roster-window must be between 0 and " + MAX_ROSTER_WINDOW.toMillis() + " ms");
        }
        if (rosterPageSize < 1 || rosterPageSize > 10_000) {
            throw new IllegalArgumentException("calling.roster-page-size must be 1 to 10000");
        }
    }

    /** Longer than this, a batched roster would feel stale (and a join storm's batches would pile up). */
    static final Duration MAX_ROSTER_WINDOW = Duration.ofSeconds(2);

    public static CallingConfig defaults() {
        return new CallingConfig(1000, 65_536, 40, 20, Duration.ofSeconds(30), 100, 500, 5, 20,
                Duration.ofMinutes(15), Duration.ofMinutes(60), Duration.ofMinutes(60), 49,
                100, Duration.ofSeconds(10), 50, 256 * 1024, 64 * 1024, 64L * 1024 * 1024, Duration.ofHours(1), 2048,
                Duration.ofMillis(100), 100);
    }

    public static CallingConfig from(Config c) {
        return new CallingConfig(c.integer("calling.max-participants", 1, 100_000),
                c.integer("calling.max-frame-chars", 1024, 1 << 20),
                c.integer("calling.message-burst", 1, 10_000),
                c.integer("calling.messages-per-second", 1, 10_000),
                c.duration("calling.resume-grace"),
                c.integer("calling.display-name-max", 1, 1000),
                c.integer("calling.chat-history-size", 1, 100_000),
                c.integer("calling.passcode-attempts-per-client", 1, 1000),
                c.integer("calling.passcode-attempts-per-meeting", 1, 100_000),
                c.duration("calling.passcode-window"),
                c.duration("calling.join-before"),
                c.duration("calling.join-after"),
                c.integer("calling.together-seats", 1, 1000),
                c.integer("calling.max-lobby", 1, 100_000),
                c.duration("calling.join-deadline"),
                c.integer("calling.max-unjoined-per-address", 1, 100_000),
                c.integer("calling.chat-history-bytes", 16 * 1024, 64 << 20),
                c.integer("calling.chat-history-page-bytes", 16 * 1024, 64 << 20),
                c.integer("calling.chat-memory-bytes", 16 * 1024, Integer.MAX_VALUE),
                c.duration("calling.chat-retention"),
                c.integer("calling.meeting-queue", 1, 1_000_000),
                c.duration("calling.roster-window"),
                c.integer("calling.roster-page-size", 1, 10_000));
    }

    public CallingConfig withMessageRate(int burst, int perSecond) {
        return new CallingConfig(maxParticipants, maxFrameChars, burst, perSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats, maxLobby, joinDeadline, maxUnjoinedPerAddress, chatHistoryBytes,
                chatHistoryPageBytes, chatMemoryBytes, chatRetention, meetingQueue, rosterWindow, rosterPageSize);
    }

    public CallingConfig withMaxParticipants(int max) {
        return new CallingConfig(max, maxFrameChars, messageBurst, messagesPerSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats, maxLobby, joinDeadline, maxUnjoinedPerAddress, chatHistoryBytes,
                chatHistoryPageBytes, chatMemoryBytes, chatRetention, meetingQueue, rosterWindow, rosterPageSize);
    }

    /** This bound on work waiting for one meeting ({@code calling.meeting-queue}). */
    public CallingConfig withMeetingQueue(int queue) {
        return new CallingConfig(maxParticipants, maxFrameChars, messageBurst, messagesPerSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats, maxLobby, joinDeadline, maxUnjoinedPerAddress, chatHistoryBytes,
                chatHistoryPageBytes, chatMemoryBytes, chatRetention, queue, rosterWindow, rosterPageSize);
    }

    /** These limits on lobby size, join deadline and sockets not yet joined per address. */
    public CallingConfig withEntryLimits(int lobby, Duration deadline, int unjoinedPerAddress) {
        return new CallingConfig(maxParticipants, maxFrameChars, messageBurst, messagesPerSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats, lobby, deadline, unjoinedPerAddress, chatHistoryBytes,
                chatHistoryPageBytes, chatMemoryBytes, chatRetention, meetingQueue, rosterWindow, rosterPageSize);
    }

    /** These roster batching and paging settings ({@code calling.roster-window}, {@code calling.roster-page-size}). */
    public CallingConfig withRoster(Duration window, int pageSize) {
        return new CallingConfig(maxParticipants, maxFrameChars, messageBurst, messagesPerSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats, maxLobby, joinDeadline, maxUnjoinedPerAddress, chatHistoryBytes,
                chatHistoryPageBytes, chatMemoryBytes, chatRetention, meetingQueue, window, pageSize);
    }
}
