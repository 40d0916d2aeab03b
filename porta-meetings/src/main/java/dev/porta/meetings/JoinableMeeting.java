// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * What the calling service needs to admit people to a meeting: its identity and locators, organizer and
 * invited attendees with roles, lobby and presenter settings, meeting options, and the effective meeting
 * policy (the organizer's override, else the tenant's) that governs guests.
 */
public record JoinableMeeting(MeetingId id, TenantId tenantId, String threadId, String joinWebUrl, String joinMeetingId,
                              String subject, Instant start, Instant end, Organizer organizer, List<Attendee> attendees,
                              LobbyBypass lobbyBypass, AllowedPresenters allowedPresenters, MeetingOptions options,
                              MeetingPolicy policy) {

    /** The organizer; display name and user name are empty if the member was deleted. */
    public record Organizer(MemberId id, String userPrincipalName, String displayName) { }
}
