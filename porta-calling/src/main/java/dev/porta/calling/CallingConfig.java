// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.common.Config;
import java.time.Duration;

/**
 * Calling settings; keys under {@code calling.} in porta.conf.
 *
 * @param maxParticipants         participants per meeting, lobby and reconnecting included ({@code calling.max-participants})
 * @param maxFrameChars           largest text frame accepted ({@code calling.max-frame-chars})
 * @param messageBurst            frames a connection may send at once ({@code calling.message-burst})
 * @param messagesPerSecond       sustained frames per second per connection ({@code calling.messages-per-second})
 * @param resumeGrace             how long a dropped participant keeps its place ({@code calling.resume-grace})
 * @param displayNameMax          longest display name ({@code calling.display-name-max})
 * @param chatHistorySize         chat messages sent to late joiners ({@code calling.chat-history-size})
 * @param passcodeAttemptsPerClient meeting-ID joins per client address per window ({@code calling.passcode-attempts-per-client})
 * @param passcodeAttemptsPerMeeting wrong passcodes per meeting ID per window ({@code calling.passcode-attempts-per-meeting})
 * @param passcodeWindow          the window both passcode limits refill over ({@code calling.passcode-window})
 * @param joinBefore              how early before its start a meeting may be joined ({@code calling.join-before})
 * @param joinAfter               how late after its end a meeting may still be joined ({@code calling.join-after})
 * @param togetherSeats           most seats in Together mode ({@code calling.together-seats})
 */
public record CallingConfig(int maxParticipants, int maxFrameChars, int messageBurst, int messagesPerSecond,
                            Duration resumeGrace, int displayNameMax, int chatHistorySize,
                            int passcodeAttemptsPerClient, int passcodeAttemptsPerMeeting, Duration passcodeWindow,
                            Duration joinBefore, Duration joinAfter, int togetherSeats) {

    public static CallingConfig defaults() {
        return new CallingConfig(1000, 65_536, 40, 20, Duration.ofSeconds(30), 100, 500, 5, 20,
                Duration.ofMinutes(15), Duration.ofMinutes(60), Duration.ofMinutes(60), 49);
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
                c.integer("calling.together-seats", 1, 1000));
    }

    public CallingConfig withMessageRate(int burst, int perSecond) {
        return new CallingConfig(maxParticipants, maxFrameChars, burst, perSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats);
    }

    public CallingConfig withMaxParticipants(int max) {
        return new CallingConfig(max, maxFrameChars, messageBurst, messagesPerSecond, resumeGrace, displayNameMax,
                chatHistorySize, passcodeAttemptsPerClient, passcodeAttemptsPerMeeting, passcodeWindow, joinBefore,
                joinAfter, togetherSeats);
    }
}
