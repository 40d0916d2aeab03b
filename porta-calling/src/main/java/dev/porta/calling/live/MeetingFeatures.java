// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.chat.ChatEntry;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.DisabledFeature;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Meeting features beyond membership: chat, reactions, hands, breakout rooms, Together mode and the
 * recording notice. Every method runs on the meeting's actor; each checks role and capabilities first and
 * changes nothing when it refuses.
 */
public final class MeetingFeatures {
    private final LiveMeeting meeting;
    private final BreakoutRooms breakouts = new BreakoutRooms();
    private final MeetingRecording consent;
    private boolean together;
    private boolean recording;
    private boolean transcription;
    private long chatCounter;

    MeetingFeatures(LiveMeeting meeting) {
        this.meeting = meeting;
        this.consent = new MeetingRecording(meeting);
    }

    public ServerMessage chat(Participant p, String text, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.CHAT, requestId);
            if (refusal != null) {
                return refusal;
            }
            String t = text.strip();
            if (t.isEmpty() || t.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
                return LiveMeeting.error(requestId, ActionError.INVALID_MESSAGE,
                        "chat.text must not be blank or contain control characters");
            }
            post(p, t);
            return new Ack(requestId, null);
        });
    }

    /** Keeps a checked message from {@code p} and sends it to everyone connected; on the meeting's actor. */
    ChatEntry post(Participant p, String text) {
        ChatEntry e = new ChatEntry("m-" + (++chatCounter) + "-" + LiveMeeting.randomToken(6), p.id.value(),
                p.displayName, p.kind(), text, meeting.clock.instant(), p.rawId(), null);
        meeting.chatMirror.append(e);
        String id = meeting.meetingId();
        meeting.chatWrite(store -> store.append(id, e)); // off the actor; the caller's answer waits for it
        meeting.broadcast(wire(e));
        return e;
    }

    public ServerMessage reaction(Participant p, String reaction, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.REACTIONS, requestId);
            if (refusal != null) {
                return refusal;
            }
            meeting.broadcast(new Reaction(p.id.value(), reaction, meeting.clock.instant().toString()));
            return new Ack(requestId, null);
        });
    }

    public ServerMessage raiseHand(Participant p, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.RAISE_HAND, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (!p.handRaised) {
                p.handRaised = true;
                meeting.rosterDelta("updated", p);
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage lowerHand(Participant p, ParticipantId targetId, String requestId) {
        return meeting.ask(() -> {
            boolean own = targetId == null || targetId.equals(p.id);
            ServerMessage refusal = meeting.refuseUnless(p, own ? null : Capability.MANAGE_PARTICIPANTS, requestId);
            if (refusal != null) {
                return refusal;
            }
            Participant target = own ? p : meeting.connected(targetId);
            if (target == null) {
                return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + targetId);
            }
            if (target.handRaised) {
                target.handRaised = false;
                meeting.rosterDelta("updated", target);
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage breakoutCreate(Participant p, List<String> names, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.BREAKOUT_ROOMS, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (breakouts.isOpen()) {
                return LiveMeeting.error(requestId, ActionError.BREAKOUT_STATE, "close the breakout rooms first");
            }
            breakouts.create(names);
            p.send(meeting, new ServerMessage.BreakoutRooms(breakouts.views()));
            return new Ack(requestId, null);
        });
    }

    public ServerMessage breakoutAssign(Participant p, BreakoutRoomId roomId, List<ParticipantId> ids, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.BREAKOUT_ROOMS, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (breakouts.room(roomId).isEmpty() || breakouts.isOpen()) {
                return LiveMeeting.error(requestId, ActionError.BREAKOUT_STATE,
                        breakouts.isOpen() ? "assign before opening the rooms" : "no breakout room " + roomId);
            }
            for (ParticipantId id : ids) {
                Participant target = meeting.connected(id);
                if (target == null) {
                    return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id);
                }
                if (!Permissions.matrixAllows(meeting.details, target, Capability.BREAKOUT_ROOMS)) {
                    return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_ELIGIBLE, "participant " + id
                            + " is a guest and the meeting policy reserves breakout rooms for members");
                }
            }
            breakouts.assign(roomId, ids);
            p.send(meeting, new ServerMessage.BreakoutRooms(breakouts.views()));
            return new Ack(requestId, null);
        });
    }

    public ServerMessage breakoutOpen(Participant p, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.BREAKOUT_ROOMS, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (breakouts.isEmpty() || breakouts.isOpen()) {
                return LiveMeeting.error(requestId, ActionError.BREAKOUT_STATE,
                        breakouts.isOpen() ? "the rooms are already open" : "create rooms first");
            }
            breakouts.setOpen(true);
            for (Participant q : meeting.connectedInJoinOrder()) {
                breakouts.roomOf(q.id).ifPresent(room -> {
                    q.breakoutRoomId = room.id();
                    meeting.media().moveTo(q);
                    q.send(meeting, new BreakoutJoined(room.id().value(), room.name()));
                    meeting.rosterDelta("updated", q);
                });
            }
            p.send(meeting, new ServerMessage.BreakoutRooms(breakouts.views()));
            return new Ack(requestId, null);
        });
    }

    public ServerMessage breakoutClose(Participant p, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.BREAKOUT_ROOMS, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (!breakouts.isOpen()) {
                return LiveMeeting.error(requestId, ActionError.BREAKOUT_STATE, "the rooms are not open");
            }
            breakouts.setOpen(false);
            for (Participant q : meeting.connectedInJoinOrder()) {
                if (q.breakoutRoomId != null) {
                    q.breakoutRoomId = null;
                    meeting.media().moveTo(q);
                    q.send(meeting, new BreakoutLeft());
                    meeting.rosterDelta("updated", q);
                }
            }
            p.send(meeting, new ServerMessage.BreakoutRooms(breakouts.views()));
            return new Ack(requestId, null);
        });
    }

    public ServerMessage togetherMode(Participant p, boolean active, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.TOGETHER_MODE, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (together != active) {
                together = active;
                meeting.broadcast(togetherState());
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage recording(Participant p, boolean isTranscription, boolean active, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, Capability.MANAGE_RECORDING, requestId);
            if (refusal != null) {
                return refusal;
            }
            DisabledFeature feature = isTranscription ? DisabledFeature.TRANSCRIPTION : DisabledFeature.RECORDING;
            if (active && meeting.details.disabled(feature)) {
                return LiveMeeting.error(requestId, ActionError.CAPABILITY_DISABLED, "the meeting option "
                        + (isTranscription ? "allowTranscription" : "allowRecording") + " is off");
            }
            boolean changed = isTranscription ? transcription != active : recording != active;
            if (isTranscription) {
                transcription = active;
            } else {
                recording = active;
            }
            if (changed) {
                consent.notice(recording, transcription);
                if (!isTranscription) {
                    if (active) {
                        consent.startMedia(p);
                    } else {
                        consent.stopMedia();
                    }
                }
            }
            return new Ack(requestId, null);
        });
    }

    /** {@code p} consents to being recorded and transcribed (explicit recording consent). */
    public ServerMessage recordingConsent(Participant p, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            return consent.consent(p, recording, transcription, requestId);
        });
    }

    // ---- called by LiveMeeting on the actor ----

    boolean recording() {
        return recording;
    }

    boolean transcription() {
        return transcription;
    }

    /** Whether {@code p}'s media may go into the recording now. */
    boolean mayRecord(Participant p) {
        return consent.mayRecord(p);
    }

    void sendEntryState(Participant p) {
        sendChatHistory(p);
        if (recording || transcription) {
            p.send(meeting, consent.stateFor(p, recording, transcription));
        }
        if (together) {
            p.send(meeting, togetherState());
        }
    }

    void rosterChanged() {
        if (together) {
            meeting.broadcast(togetherState());
        }
    }

    /**
     * The chat a joiner may see (review M3), in pages of at most {@code calling.chat-history-page-bytes}
     * (review M2): nothing when chat is disabled; from their own admission on for external participants,
     * and for everyone unless the meeting shares its history ({@code shareMeetingChatHistoryDefault: all}).
     * The store keeps at most {@code calling.chat-history-bytes}, which the server keeps under half the
     * slow-consumer limit, so the history can never make a joiner a slow consumer.
     */
    private void sendChatHistory(Participant p) {
        List<ChatMessage> page = new ArrayList<>();
        List<List<ChatMessage>> pages = new ArrayList<>();
        if (meeting.details.allowMeetingChat() != ChatMode.DISABLED) {
            long pageBytes = 0;
            for (ChatEntry e : visibleTo(p)) {
                if (!page.isEmpty() && pageBytes + e.wireBytes() > meeting.config.chatHistoryPageBytes()) {
                    pages.add(page);
                    page = new ArrayList<>();
                    pageBytes = 0;
                }
                page.add(wire(e));
                pageBytes += e.wireBytes();
            }
        }
        pages.add(page);
        for (int i = 0; i < pages.size(); i++) {
            p.send(meeting, new ChatHistory(pages.get(i), i < pages.size() - 1 ? Boolean.TRUE : null));
        }
    }

    /**
     * The kept messages {@code p} may see, oldest first (review M3): from their own admission on for external
     * participants, and for everyone unless the meeting shares its history. On the meeting's actor.
     */
    List<ChatEntry> visibleTo(Participant p) {
        boolean sharesAll = !p.external && meeting.details.shareChatHistory() == ChatHistoryShare.ALL;
        List<ChatEntry> out = new ArrayList<>();
        for (ChatEntry e : meeting.chatMirror.all()) {
            if (sharesAll || !e.sentAt().isBefore(p.admittedAt)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Sends {@code m}, news about message {@code e}, to the connected participants who may see {@code e}: an
     * edit or deletion must not show a guest a message from before their admission. On the actor.
     */
    void toThoseWhoSee(ChatEntry e, ServerMessage m) {
        for (Participant q : meeting.connectedInJoinOrder()) {
            boolean sharesAll = !q.external && meeting.details.shareChatHistory() == ChatHistoryShare.ALL;
            if (sharesAll || !e.sentAt().isBefore(q.admittedAt)) {
                q.send(meeting, m);
            }
        }
    }

    /** The live meeting ended: a {@code limited} chat goes with it; otherwise it is kept for the retention time. */
    void meetingClosed() {
        consent.stopMedia();
        String id = meeting.meetingId();
        if (meeting.details.allowMeetingChat() == ChatMode.LIMITED) {
            meeting.chatWrite(store -> store.forget(id));
        } else {
            java.time.Instant forgetAt = meeting.clock.instant().plus(meeting.config.chatRetention());
            meeting.chatWrite(store -> store.meetingEnded(id, forgetAt));
        }
    }

    void participantLeft(Participant p) {
        breakouts.forget(p.id);
        consent.participantLeft(p);
    }

    private TogetherMode togetherState() {
        if (!together) {
            return new TogetherMode(false, List.of());
        }
        List<String> eligible = new ArrayList<>();
        for (Participant q : meeting.connectedInJoinOrder()) {
            if (Permissions.matrixAllows(meeting.details, q, Capability.TOGETHER_MODE)) {
                eligible.add(q.id.value());
            }
        }
        return new TogetherMode(true, TogetherSeating.seat(eligible, meeting.config.togetherSeats()));
    }

    static ChatMessage wire(ChatEntry e) {
        return new ChatMessage(e.messageId(), e.senderId(), e.senderName(), e.senderKind(), e.text(), e.sentAt().toString());
    }
}
