// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.Directory;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.Member;
import java.time.Clock;
import java.util.Optional;

/**
 * The calling service's read API: finds a meeting by join link, by thread id or by id, and answers with
 * everything admission needs, including the effective meeting policy. Joining by meeting ID + passcode
 * is calling's {@code JoinGate}: it charges its limits before it looks a meeting up, so a guess costs
 * the same whether or not the meeting exists.
 */
public final class MeetingLookup {
    private final MeetingStore store;
    private final Directory directory;
    private final JoinLinks links;
    private final Clock clock;

    /** The outcome of a lookup; each refusal maps to its own join end reason. */
    public sealed interface Result {
        record Found(JoinableMeeting meeting) implements Result { }

        record NotFound() implements Result { }

    }

    public MeetingLookup(MeetingStore store, Directory directory, JoinLinks links, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.links = links;
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
