// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.common.RateLimiter;
import dev.porta.directory.Directory;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.Member;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The calling service's read API: finds a meeting by join link, by meeting ID + passcode (constant-time
 * check, failures limited per meeting ID so a passcode cannot be guessed from many addresses), or by
 * thread id, and answers with everything admission needs, including the effective meeting policy.
 */
public final class MeetingLookup {
    private static final Pattern MEETING_ID = Pattern.compile("\\d{6,16}");

    private final MeetingStore store;
    private final Directory directory;
    private final JoinLinks links;
    private final RateLimiter passcodeFailures;
    private final Clock clock;

    /** The outcome of a lookup; each refusal maps to its own join end reason. */
    public sealed interface Result {
        record Found(JoinableMeeting meeting) implements Result { }

        record NotFound() implements Result { }

        record WrongPasscode() implements Result { }

        record Throttled(Duration retryAfter) implements Result { }
    }

    public MeetingLookup(MeetingStore store, Directory directory, JoinLinks links, RateLimiter passcodeFailures, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.links = links;
        this.passcodeFailures = passcodeFailures;
        this.clock = clock;
    }

    /** By join link (any host; percent-encoded once, twice or not at all). */
    public Result byJoinWebUrl(String joinWebUrl) {
        if (joinWebUrl == null || joinWebUrl.length() > 2048) {
            return new Result.NotFound();
        }
        return found(JoinLinks.threadIdOf(joinWebUrl).flatMap(store::findByThreadId));
    }

    /** By the thread id of a meeting-coordinates locator ({@code 19:meeting_…@thread.v2}). */
    public Result byThreadId(String threadId) {
        return JoinLinks.isThreadId(threadId) ? found(store.findByThreadId(threadId)) : new Result.NotFound();
    }

    /** By meeting ID and passcode, as typed by a person; the passcode is ignored when the meeting needs none. */
    public Result byJoinMeetingId(String joinMeetingId, String passcode) {
        String id = joinMeetingId == null ? "" : joinMeetingId.replace(" ", "");
        if (!MEETING_ID.matcher(id).matches()) {
            return new Result.NotFound();
        }
        String key = "meeting-id:" + id;
        Duration wait = passcodeFailures.retryAfter(key);
        if (!wait.isZero()) {
            return new Result.Throttled(wait);
        }
        Optional<OnlineMeeting> m = store.findByJoinMeetingId(id).filter(this::current);
        if (m.isEmpty()) {
            passcodeFailures.tryAcquire(key);
            return new Result.NotFound();
        }
        if (m.get().passcodeRequired() && !MessageDigest.isEqual(m.get().passcode().getBytes(StandardCharsets.UTF_8),
                (passcode == null ? "" : passcode.trim()).getBytes(StandardCharsets.UTF_8))) {
            passcodeFailures.tryAcquire(key);
            return new Result.WrongPasscode();
        }
        return found(m);
    }

    public Result byId(MeetingId id) {
        return found(store.find(id));
    }

    private Result found(Optional<OnlineMeeting> meeting) {
        Optional<OnlineMeeting> m = meeting.filter(this::current);
        if (m.isEmpty()) {
            return new Result.NotFound();
        }
        OnlineMeeting om = m.get();
        Optional<Member> organizer = directory.member(om.tenantId(), om.organizerId());
        MeetingPolicy policy = directory.effectiveMeetingPolicy(om.tenantId(), om.organizerId());
        // A scope the policy no longer allows (changed after scheduling) falls back to the strictest one.
        LobbyBypass lobby = policy.allowedLobbyBypassScopes().contains(om.lobbyBypass().scope()) ? om.lobbyBypass()
                : new LobbyBypass(LobbyBypassScope.ORGANIZER, om.lobbyBypass().dialInBypassEnabled());
        return new Result.Found(new JoinableMeeting(om.id(), om.tenantId(), om.threadId(), links.joinWebUrl(om), om.joinMeetingId(),
                om.subject(), om.start(), om.end(),
                new JoinableMeeting.Organizer(om.organizerId(), organizer.map(Member::userPrincipalName).orElse(""),
                        organizer.map(Member::displayName).orElse("")),
                om.attendees(), lobby, om.allowedPresenters(), om.options(), policy));
    }

    private boolean current(OnlineMeeting m) {
        return clock.instant().isBefore(m.effectiveExpiry());
    }
}
