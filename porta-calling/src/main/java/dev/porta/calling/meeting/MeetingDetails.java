// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What calling needs to know about an online meeting, as the meetings module stores it.
 *
 * @param startDateTime        null when the meeting has no scheduled times
 * @param endDateTime          null when the meeting has no scheduled times
 * @param joinPasscode         the passcode for join by meeting ID; null when none is required
 * @param isDialInBypassEnabled carried for completeness; no effect (no dial-in)
 * @param explicitRecordingConsent a participant's media stays out of the recording until they consent
 */
public record MeetingDetails(String meetingId, String tenantId, String organizerMemberId, String subject,
                             Instant startDateTime, Instant endDateTime,
                             LobbyBypassScope lobbyBypassScope, boolean isDialInBypassEnabled,
                             AllowedPresenters allowedPresenters, LobbyAdmitters lobbyAdmitters,
                             List<Invitee> invitees, ChatMode allowMeetingChat, ChatHistoryShare shareChatHistory,
                             boolean allowAttendeeToEnableMic, boolean allowAttendeeToEnableCamera,
                             boolean allowTeamworkReactions, String joinPasscode, MeetingPolicy policy,
                             Set<DisabledFeature> disabledFeatures, boolean explicitRecordingConsent) {
    public MeetingDetails {
        Objects.requireNonNull(meetingId, "meetingId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(organizerMemberId, "organizerMemberId");
        Objects.requireNonNull(lobbyBypassScope, "lobbyBypassScope");
        Objects.requireNonNull(allowedPresenters, "allowedPresenters");
        Objects.requireNonNull(lobbyAdmitters, "lobbyAdmitters");
        Objects.requireNonNull(allowMeetingChat, "allowMeetingChat");
        Objects.requireNonNull(shareChatHistory, "shareChatHistory");
        Objects.requireNonNull(policy, "policy");
        invitees = List.copyOf(invitees);
        disabledFeatures = Set.copyOf(disabledFeatures);
        subject = subject == null ? "" : subject;
    }

    /** These details with explicit recording consent on or off. */
    public MeetingDetails withExplicitRecordingConsent(boolean on) {
        return new MeetingDetails(meetingId, tenantId, organizerMemberId, subject, startDateTime, endDateTime,
                lobbyBypassScope, isDialInBypassEnabled, allowedPresenters, lobbyAdmitters, invitees, allowMeetingChat,
                shareChatHistory, allowAttendeeToEnableMic, allowAttendeeToEnableCamera, allowTeamworkReactions, joinPasscode,
                policy, disabledFeatures, on);
    }

    /** These details with other chat options. */
    public MeetingDetails withChat(ChatMode chat, ChatHistoryShare share) {
        return new MeetingDetails(meetingId, tenantId, organizerMemberId, subject, startDateTime, endDateTime,
                lobbyBypassScope, isDialInBypassEnabled, allowedPresenters, lobbyAdmitters, invitees, chat, share,
                allowAttendeeToEnableMic, allowAttendeeToEnableCamera, allowTeamworkReactions, joinPasscode, policy,
                disabledFeatures, explicitRecordingConsent);
    }

    /** These details with other features turned off by meeting options. */
    public MeetingDetails withDisabledFeatures(Set<DisabledFeature> off) {
        return new MeetingDetails(meetingId, tenantId, organizerMemberId, subject, startDateTime, endDateTime,
                lobbyBypassScope, isDialInBypassEnabled, allowedPresenters, lobbyAdmitters, invitees, allowMeetingChat,
                shareChatHistory, allowAttendeeToEnableMic, allowAttendeeToEnableCamera, allowTeamworkReactions, joinPasscode,
                policy, off, explicitRecordingConsent);
    }

    /** Whether a meeting option turned {@code f} off. */
    public boolean disabled(DisabledFeature f) {
        return disabledFeatures.contains(f);
    }

    public Optional<Invitee> invitee(String identityId) {
        return invitees.stream().filter(i -> i.identityId().equals(identityId)).findFirst();
    }
}
