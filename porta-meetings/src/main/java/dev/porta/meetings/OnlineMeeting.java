// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * An online meeting as Porta stores it. The join link is derived (see {@link JoinLinks}); the meeting
 * ID and passcode are generated at creation and never change. {@code subject} and {@code externalId}
 * are null when not set; {@code expiry} too (then 60 days after the end applies).
 */
public record OnlineMeeting(MeetingId id, TenantId tenantId, MemberId organizerId, String subject, Instant start, Instant end,
                            Instant created, Instant expiry, String externalId, String joinMeetingId, String passcode,
                            boolean passcodeRequired, String threadId, List<Attendee> attendees, LobbyBypass lobbyBypass,
                            AllowedPresenters allowedPresenters, MeetingOptions options) {
    public OnlineMeeting {
        attendees = List.copyOf(attendees);
    }

    /** Graph's rule: a meeting expires 60 days after its end unless an expiry is set. */
    public Instant effectiveExpiry() {
        return expiry != null ? expiry : end.plus(java.time.Duration.ofDays(60));
    }

    /** A copy with the changeable parts replaced (ids, organizer, meeting ID and passcode stay). */
    public OnlineMeeting withChanges(String subject, Instant start, Instant end, Instant expiry, List<Attendee> attendees,
                                     LobbyBypass lobbyBypass, AllowedPresenters allowedPresenters, MeetingOptions options) {
        return new OnlineMeeting(id, tenantId, organizerId, subject, start, end, created, expiry, externalId, joinMeetingId,
                passcode, passcodeRequired, threadId, attendees, lobbyBypass, allowedPresenters, options);
    }
}
