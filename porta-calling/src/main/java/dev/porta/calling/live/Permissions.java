// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.auth.Caller;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.DisabledFeature;
import dev.porta.calling.meeting.InviteeRole;
import dev.porta.calling.meeting.LobbyAdmitters;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.protocol.ActionError;
import java.util.ArrayList;
import java.util.List;

/** Roles, lobby bypass and capability checks: role, then guest capability matrix, then meeting options. */
final class Permissions {

    /** Why an action is refused. */
    record Denial(ActionError code, String message) { }

    private Permissions() {
    }

    static boolean isOrganizer(MeetingDetails d, Caller c) {
        return c instanceof Caller.Member m && m.tenantId().equals(d.tenantId())
                && m.memberId().equals(d.organizerMemberId());
    }

    static boolean isTenantMember(MeetingDetails d, Caller c) {
        return c instanceof Caller.Member m && m.tenantId().equals(d.tenantId());
    }

    /**
     * External to the meeting: a guest, or a member of another tenant (review M10). The anonymous-join
     * policy and the guest capability matrix apply to both, and the roster marks both.
     */
    static boolean isExternal(MeetingDetails d, Caller c) {
        return !isTenantMember(d, c);
    }

    static Role roleOf(MeetingDetails d, Caller c) {
        if (isOrganizer(d, c)) {
            return Role.ORGANIZER;
        }
        boolean presenter = switch (d.allowedPresenters()) {
            case EVERYONE -> true;
            case ORGANIZATION -> isTenantMember(d, c);
            case ROLE_IS_PRESENTER -> d.invitee(c.identityId())
                    .map(i -> i.role() == InviteeRole.PRESENTER || i.role() == InviteeRole.COORGANIZER).orElse(false);
            case ORGANIZER -> false;
        };
        if (presenter && isExternal(d, c) && !d.policy().guestCapabilities().mayPresent()) {
            presenter = false; // the guest capability matrix decides whether external people ever present
        }
        return presenter ? Role.PRESENTER : Role.ATTENDEE;
    }

    static boolean isCoOrganizer(MeetingDetails d, Caller c) {
        return d.invitee(c.identityId()).map(i -> i.role() == InviteeRole.COORGANIZER).orElse(false);
    }

    /**
     * Null when {@code by} may remove {@code target}; otherwise the refusal. The organizer removes anyone but
     * themselves; presenters remove attendees only, never the organizer, a co-organizer, another presenter
     * or a member of the meeting's organization.
     */
    static Denial removal(MeetingDetails d, Participant by, Participant target) {
        if (target.role == Role.ORGANIZER) {
            return new Denial(ActionError.CANNOT_TARGET_ORGANIZER, "the organizer cannot be removed");
        }
        if (by.role == Role.ORGANIZER) {
            return null;
        }
        if (target.role != Role.ATTENDEE || isCoOrganizer(d, target.caller) || isTenantMember(d, target.caller)) {
            return new Denial(ActionError.CANNOT_TARGET_PARTICIPANT,
                    "presenters may remove attendees only, not co-organizers, presenters or members of the organization");
        }
        return null;
    }

    static boolean bypassesLobby(MeetingDetails d, Caller c) {
        if (isOrganizer(d, c)) {
            return true;
        }
        return switch (d.lobbyBypassScope()) {
            case EVERYONE -> true;
            case ORGANIZATION, ORGANIZATION_EXCLUDING_GUESTS -> isTenantMember(d, c);
            case ORGANIZATION_AND_FEDERATED -> c instanceof Caller.Member;
            case INVITED -> d.invitee(c.identityId()).isPresent();
            case ORGANIZER, UNKNOWN_FUTURE_VALUE -> false;
        };
    }

    /** Whether the guest capability matrix lets this participant use {@code c} at all (the tenant's members: always). */
    static boolean matrixAllows(MeetingDetails d, Participant p, Capability c) {
        return !p.external || d.policy().guestCapabilities().allows(c);
    }

    /** Null when {@code p} may use {@code c} now; otherwise the documented refusal. */
    static Denial check(MeetingDetails d, Participant p, Capability c) {
        if (!matrixAllows(d, p, c)) {
            return new Denial(ActionError.CAPABILITY_DISABLED,
                    c.wireName() + " is reserved for members by the meeting policy's guest capabilities");
        }
        Role r = p.role;
        boolean roleOk = switch (c) {
            case AUDIO, VIDEO, CHAT, REACTIONS, RAISE_HAND -> true;
            case SCREEN_SHARE, TOGETHER_MODE, MANAGE_PARTICIPANTS, MANAGE_RECORDING -> r.presents();
            case BREAKOUT_ROOMS, END_MEETING -> r == Role.ORGANIZER;
            case ADMIT_FROM_LOBBY -> r == Role.ORGANIZER || (r == Role.PRESENTER
                    && d.lobbyAdmitters() == LobbyAdmitters.ORGANIZER_AND_CO_ORGANIZERS_AND_PRESENTERS);
        };
        if (!roleOk) {
            return new Denial(ActionError.ROLE_REQUIRED, c.wireName() + " is not allowed for the role " + r.wireName());
        }
        return switch (c) {
            case AUDIO -> r == Role.ATTENDEE && !d.allowAttendeeToEnableMic()
                    ? new Denial(ActionError.CAPABILITY_DISABLED, "the meeting option allowAttendeeToEnableMic is off") : null;
            case VIDEO -> r == Role.ATTENDEE && !d.allowAttendeeToEnableCamera()
                    ? new Denial(ActionError.CAPABILITY_DISABLED, "the meeting option allowAttendeeToEnableCamera is off") : null;
            case CHAT -> d.allowMeetingChat() == ChatMode.DISABLED
                    ? new Denial(ActionError.CHAT_DISABLED, "the meeting option allowMeetingChat is disabled") : null;
            case BREAKOUT_ROOMS -> d.disabled(DisabledFeature.BREAKOUT_ROOMS)
                    ? new Denial(ActionError.CAPABILITY_DISABLED, "the meeting option allowBreakoutRooms is off") : null;
            case MANAGE_RECORDING -> d.disabled(DisabledFeature.RECORDING) && d.disabled(DisabledFeature.TRANSCRIPTION)
                    ? new Denial(ActionError.CAPABILITY_DISABLED, "the meeting options allowRecording and allowTranscription are off")
                    : null;
            case REACTIONS -> !d.allowTeamworkReactions()
                    ? new Denial(ActionError.CAPABILITY_DISABLED, "the meeting option allowTeamworkReactions is off") : null;
            default -> null;
        };
    }

    static List<String> capabilities(MeetingDetails d, Participant p) {
        List<String> out = new ArrayList<>();
        for (Capability c : Capability.values()) {
            if (check(d, p, c) == null) {
                out.add(c.wireName());
            }
        }
        return out;
    }
}
