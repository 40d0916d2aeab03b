// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.TokenRefusal;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.protocol.ClientMessage.Join;
import dev.porta.calling.protocol.ClientMessage.Locator;
import dev.porta.calling.protocol.EndReason;
import dev.porta.common.AddressKey;
import dev.porta.common.RateLimiter;
import dev.porta.common.RateLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks before a live meeting sees a join, in the documented order: token scope and expiry,
 * passcode attempt limits, meeting lookup, passcode, time window, anonymous-join policy, display name.
 *
 * <p>Joining by meeting ID and passcode is guessable, so each attempt is charged <em>before</em> the
 * lookup (check and charge under one lock, so a parallel burst gets no more evaluations than allowed)
 * and given back when the passcode is right. Three allowances apply: the caller's address over all
 * meetings; the meeting's, shared by all callers, which slows guessing from many addresses; and a small
 * personal one per meeting and address. Once the shared allowance is used up, a caller may still try on
 * its personal one, so whoever used up the shared allowance cannot lock everyone else out.
 * An unknown meeting ID is charged and answered exactly like a wrong passcode, so it tells nothing.
 */
final class JoinGate {
    sealed interface Decision {
        record Admitted(MeetingDetails meeting, String displayName) implements Decision { }

        record Refused(EndReason reason) implements Decision { }
    }

    private final CallingConfig config;
    private final MeetingDirectory directory;
    private final Clock clock;
    /** Attempts a caller keeps at a meeting whose shared allowance is used up (a person may mistype). */
    static final int PERSONAL_ATTEMPTS = 3;

    private final RateLimiter failuresByClient;
    private final RateLimiter failuresByMeetingId;
    private final RateLimiter failuresByMeetingAndClient;

    JoinGate(CallingConfig config, MeetingDirectory directory, Clock clock) {
        this(config, directory, clock, RateLimits.local(clock));
    }

    JoinGate(CallingConfig config, MeetingDirectory directory, Clock clock, RateLimits limits) {
        this.config = config;
        this.directory = directory;
        this.clock = clock;
        this.failuresByClient = limits.limiter("calling.passcode-by-client", config.passcodeAttemptsPerClient(), config.passcodeWindow(), 100_000);
        this.failuresByMeetingId = limits.limiter("calling.passcode-by-meeting", config.passcodeAttemptsPerMeeting(), config.passcodeWindow(), 100_000);
        this.failuresByMeetingAndClient = limits.limiter("calling.passcode-by-meeting-client", PERSONAL_ATTEMPTS, config.passcodeWindow(), 100_000);
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
                Attempt attempt = reserve(byId.meetingId(), clientAddress);
                if (attempt == null) {
                    return new Decision.Refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED);
                }
                Optional<MeetingDetails> found = directory.findByJoinMeetingId(byId.meetingId());
                if (found.isEmpty() || !passcodeMatches(found.get().joinPasscode(), byId.passcode())) {
                    return new Decision.Refused(EndReason.PASSCODE_WRONG);
                }
                attempt.refund();
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

    /** The allowances one join-by-ID attempt was charged to, so a right passcode can give them back. */
    private final class Attempt {
        private final String clientKey;
        private final String meetingKey;
        private final String personalKey;

        Attempt(String clientKey, String meetingKey, String personalKey) {
            this.clientKey = clientKey;
            this.meetingKey = meetingKey;
            this.personalKey = personalKey;
        }

        void refund() {
            failuresByClient.refund(clientKey);
            if (meetingKey != null) {
                failuresByMeetingId.refund(meetingKey);
            } else {
                failuresByMeetingAndClient.refund(personalKey);
            }
        }
    }

    /** Charges one attempt, or returns null when the caller has none left for this meeting. */
    private synchronized Attempt reserve(String meetingId, String clientAddress) {
        String address = AddressKey.of(clientAddress);
        String clientKey = "client:" + address;
        String meetingKey = "meeting:" + meetingId;
        String personalKey = "meeting:" + meetingId + "@" + address;
        if (!failuresByClient.tryAcquire(clientKey)) {
            return null;
        }
        if (failuresByMeetingId.tryAcquire(meetingKey)) {
            return new Attempt(clientKey, meetingKey, personalKey);
        }
        if (failuresByMeetingAndClient.tryAcquire(personalKey)) {
            return new Attempt(clientKey, null, personalKey);
        }
        failuresByClient.refund(clientKey);
        return null;
    }

    /** Constant-time comparison; a meeting without a passcode accepts any. */
    private static boolean passcodeMatches(String expected, String given) {
        if (expected == null) {
            return true;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
