// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.auth.IdentityId;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.EndReason;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.Ack;
import java.util.ArrayList;
import java.util.List;

/**
 * What organizers and presenters do to others: admit from or deny at the lobby, remove (and ban), end the
 * meeting for everyone. Each action checks role and capabilities first and changes nothing when it refuses;
 * each runs on the meeting's actor.
 */
public final class Moderation {
    private final LiveMeeting meeting;
    private final Bans bans = new Bans();

    Moderation(LiveMeeting meeting) {
        this.meeting = meeting;
    }

    /** Whether the organizer banned {@code identity} from this live meeting. On the actor. */
    boolean isBanned(IdentityId identity) {
        return bans.isBanned(identity);
    }

    public ServerMessage admit(Participant by, ParticipantId id, String requestId) {
        return meeting.ask(() -> admitOnActor(by, id, requestId));
    }

    private ServerMessage admitOnActor(Participant by, ParticipantId id, String requestId) {
        ServerMessage refusal = meeting.refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal != null) {
            return refusal;
        }
        Participant p = meeting.waiting(id);
        if (p == null) {
            return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the lobby");
        }
        if (meeting.freeSeats() == 0) {
            return LiveMeeting.error(requestId, ActionError.CAPACITY_REACHED, "the meeting is full (calling.max-participants)");
        }
        meeting.admitFromLobby(p);
        return new Ack(requestId, null);
    }

    public ServerMessage admitAll(Participant by, String requestId) {
        return meeting.ask(() -> admitAllOnActor(by, requestId));
    }

    private ServerMessage admitAllOnActor(Participant by, String requestId) {
        ServerMessage refusal = meeting.refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal != null) {
            return refusal;
        }
        List<Participant> waiting = new ArrayList<>(meeting.waitingInOrder());
        waiting = waiting.subList(0, Math.min(waiting.size(), meeting.freeSeats()));
        waiting.forEach(meeting::admitFromLobby);
        return new Ack(requestId, waiting.size());
    }

    public ServerMessage deny(Participant by, ParticipantId id, boolean ban, String requestId) {
        return meeting.ask(() -> denyOnActor(by, id, ban, requestId));
    }

    private ServerMessage denyOnActor(Participant by, ParticipantId id, boolean ban, String requestId) {
        ServerMessage refusal = meeting.refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal == null) {
            refusal = refuseBanUnlessOrganizer(by, ban, requestId);
        }
        if (refusal != null) {
            return refusal;
        }
        Participant p = meeting.waiting(id);
        if (p == null) {
            return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the lobby");
        }
        if (ban) {
            bans.ban(p.caller.identity());
        }
        meeting.endOne(p, EndReason.LOBBY_DENIED);
        return new Ack(requestId, null);
    }

    public ServerMessage remove(Participant by, ParticipantId id, boolean ban, String requestId) {
        return meeting.ask(() -> removeOnActor(by, id, ban, requestId));
    }

    private ServerMessage removeOnActor(Participant by, ParticipantId id, boolean ban, String requestId) {
        ServerMessage refusal = meeting.refuseUnless(by, Capability.MANAGE_PARTICIPANTS, requestId);
        if (refusal == null) {
            refusal = refuseBanUnlessOrganizer(by, ban, requestId);
        }
        if (refusal != null) {
            return refusal;
        }
        Participant target = meeting.connected(id);
        if (target == null) {
            return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the meeting");
        }
        Permissions.Denial denial = Permissions.removal(meeting.details, by, target);
        if (denial != null) {
            return LiveMeeting.error(requestId, denial.code(), denial.message());
        }
        if (ban) {
            bans.ban(target.caller.identity());
        }
        meeting.endOne(target, ban ? EndReason.BANNED : EndReason.REMOVED);
        return new Ack(requestId, null);
    }

    public ServerMessage endMeeting(Participant by, String requestId) {
        return meeting.ask(() -> endMeetingOnActor(by, requestId));
    }

    private ServerMessage endMeetingOnActor(Participant by, String requestId) {
        ServerMessage refusal = meeting.refuseUnless(by, Capability.END_MEETING, requestId);
        if (refusal != null) {
            return refusal;
        }
        by.send(meeting, new Ack(requestId, null));
        meeting.endEveryone(EndReason.MEETING_ENDED);
        return null;
    }

    // ---- for the organization's administrators (the admin API authorized them; no participant asks). Never
    // refused as busy: a meeting whose clients fill its queue is the one an administrator most needs to end.

    /** Who is in this live meeting and who waits in its lobby, for an administrator. */
    public AdminView adminView() {
        return meeting.tell(() -> {
            List<AdminView.Attendee> people = new ArrayList<>();
            meeting.connectedInJoinOrder().forEach(p -> people.add(AdminView.Attendee.of(p, false)));
            meeting.waitingInOrder().forEach(p -> people.add(AdminView.Attendee.of(p, true)));
            MeetingDetails d = meeting.details;
            return new AdminView(d.meetingId(), d.tenantId(), d.subject(), d.organizerMemberId(), people);
        });
    }

    /** Ends the participant (in the meeting or its lobby) with {@code id}; false when there is none. */
    public boolean removeByAdministrator(ParticipantId id) {
        return meeting.tell(() -> {
            Participant target = meeting.connected(id);
            if (target == null) {
                target = meeting.waiting(id);
            }
            if (target == null) {
                return false;
            }
            meeting.endOne(target, EndReason.REMOVED_BY_ADMINISTRATOR);
            return true;
        });
    }

    /** Ends the meeting for everyone in it and in its lobby. */
    public void endByAdministrator() {
        meeting.tell(() -> {
            meeting.endEveryone(EndReason.ENDED_BY_ADMINISTRATOR);
            return null;
        });
    }

    /** A live meeting as its organization's administrators see it. */
    public record AdminView(String meetingId, String tenantId, String subject, String organizerMemberId,
                            List<Attendee> people) {
        public AdminView {
            people = List.copyOf(people);
        }

        /** One person in the meeting or its lobby. */
        public record Attendee(String participantId, String displayName, String role, boolean guest, boolean inLobby) {
            static Attendee of(Participant p, boolean inLobby) {
                return new Attendee(p.id.value(), p.displayName, p.role.wireName(), p.isGuest(), inLobby);
            }
        }
    }

    private ServerMessage refuseBanUnlessOrganizer(Participant by, boolean ban, String requestId) {
        return ban && by.role != Role.ORGANIZER
                ? LiveMeeting.error(requestId, ActionError.ROLE_REQUIRED, "only the organizer may ban") : null;
    }
}
