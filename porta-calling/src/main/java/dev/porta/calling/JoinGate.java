// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.TokenRefusal;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.protocol.ClientMessage.Join;
import dev.porta.calling.protocol.ClientMessage.Locator;
import dev.porta.calling.protocol.EndReason;
import dev.porta.common.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks before a live meeting sees a join, in the documented order: token scope and expiry,
 * passcode attempt limits, meeting lookup, passcode, time window, anonymous-join policy, display name.
 */
final class JoinGate {
    sealed interface Decision {
        record Admitted(MeetingDetails meeting, String displayName) implements Decision { }

        record Refused(EndReason reason) implements Decision { }
    }

    private final CallingConfig config;
    private final MeetingDirectory directory;
    private final Clock clock;
    private final RateLimiter failuresByClient;
    private final RateLimiter failuresByMeetingId;

    JoinGate(CallingConfig config, MeetingDirectory directory, Clock clock) {
        this.config = config;
        this.directory = directory;
        this.clock = clock;
        this.failuresByClient = new RateLimiter(config.passcodeAttemptsPerClient(), config.passcodeWindow(), 100_000, clock);
        this.failuresByMeetingId = new RateLimiter(config.passcodeAttemptsPerMeeting(), config.passcodeWindow(), 100_000, clock);
    }

    static EndReason endReasonOf(TokenRefusal r) {
        return switch (r) {
            case INVALID -> EndReason.TOKEN_INVALID;
            case EXPIRED -> EndReason.TOKEN_EXPIRED;
            case REVOKED -> EndReason.TOKEN_REVOKED;
            case WRONG_SCOPE -> EndReason.TOKEN_SCOPE;
        };
    }

    /** @param tokenProblem a refusal already found on the caller's token, or null */
    Decision admit(Caller caller, Join join, String clientAddress, EndReason tokenProblem) {
        if (tokenProblem != null) {
            return new Decision.Refused(tokenProblem);
        }
        Decision.Refused refused = null;
        MeetingDetails meeting = null;
        switch (join.locator()) {
            case Locator.MeetingLink link -> {
                Optional<MeetingDetails> found = directory.findByJoinWebUrl(link.joinWebUrl());
                if (found.isEmpty()) {
                    return new Decision.Refused(EndReason.MEETING_NOT_FOUND);
                }
                meeting = found.get();
            }
            case Locator.MeetingIdAndPasscode byId -> {
                String clientKey = "client:" + clientAddress;
                String meetingKey = "meeting:" + byId.meetingId();
                if (!failuresByClient.retryAfter(clientKey).isZero() || !failuresByMeetingId.retryAfter(meetingKey).isZero()) {
                    return new Decision.Refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED);
                }
                Optional<MeetingDetails> found = directory.findByJoinMeetingId(byId.meetingId());
                if (found.isEmpty()) {
                    failuresByClient.tryAcquire(clientKey);
                    return new Decision.Refused(EndReason.MEETING_NOT_FOUND);
                }
                if (!passcodeMatches(found.get().joinPasscode(), byId.passcode())) {
                    failuresByClient.tryAcquire(clientKey);
                    failuresByMeetingId.tryAcquire(meetingKey);
                    return new Decision.Refused(EndReason.PASSCODE_WRONG);
                }
                meeting = found.get();
            }
        }
        Instant now = clock.instant();
        if (meeting.startDateTime() != null && now.isBefore(meeting.startDateTime().minus(config.joinBefore()))) {
            return new Decision.Refused(EndReason.MEETING_NOT_STARTED);
        }
        if (meeting.endDateTime() != null && now.isAfter(meeting.endDateTime().plus(config.joinAfter()))) {
            return new Decision.Refused(EndReason.MEETING_EXPIRED);
        }
        if (caller instanceof Caller.Guest) {
            if (!meeting.policy().tenantAllowsAnonymousJoin()) {
                return new Decision.Refused(EndReason.ANONYMOUS_JOIN_DISABLED_BY_TENANT);
            }
            if (!meeting.policy().organizerAllowsAnonymousJoin()) {
                return new Decision.Refused(EndReason.ANONYMOUS_JOIN_DISABLED_BY_ORGANIZER);
            }
        }
        String name = switch (caller) {
            case Caller.Guest g -> DisplayNames.validate(join.displayName(), config.displayNameMax());
            case Caller.Member m -> DisplayNames.validate(m.displayName(), config.displayNameMax());
        };
        if (name == null) {
            return new Decision.Refused(EndReason.INVALID_DISPLAY_NAME);
        }
        return new Decision.Admitted(meeting, name);
    }

    /** Constant-time comparison; a meeting without a passcode accepts any. */
    private static boolean passcodeMatches(String expected, String given) {
        if (expected == null) {
            return true;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
