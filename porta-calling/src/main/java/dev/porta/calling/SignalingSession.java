// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.live.BreakoutRoomId;
import dev.porta.calling.live.LiveMeeting;
import dev.porta.calling.live.Participant;
import dev.porta.calling.live.ParticipantId;
import dev.porta.calling.live.ParticipantLink;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.ClientMessage;
import dev.porta.calling.protocol.ClientMessage.*;
import dev.porta.calling.protocol.EndReason;
import dev.porta.calling.protocol.ProtocolViolation;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.CallEndReason;
import dev.porta.calling.protocol.ServerMessage.StateChanged;
import dev.porta.common.Database;
import dev.porta.common.RateLimiter;
import dev.porta.media.api.TrackSource;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling connection: bounds size and rate, decodes, and forwards each message to the meeting.
 * The transport adapter calls {@link #onText} (one frame at a time, in order) and {@link #onClose}. Each
 * call waits for the meeting to finish the request (its actor, and the SFU or database work it started), so a
 * connection's answers keep the order of its requests; the meeting itself never waits for a connection.
 */
public final class SignalingSession implements ParticipantLink {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingSession.class);

    private final SignalingConnection connection;
    private final CallingService service;
    private final RateLimiter rate;
    private final UnjoinedSockets.Ticket unjoined;
    private volatile LiveMeeting meeting;
    private volatile Participant participant;
    private volatile boolean ended;
    private volatile ScheduledFuture<?> joinDeadline;
    /**
     * Where this socket stands against its join deadline; guarded by {@code this}. The deadline (a timer on the
     * scheduler) and the first {@code join}/{@code resume} (a frame on the socket's thread) race: a frame that
     * had arrived before the deadline is read to the end before the deadline may refuse the socket, and a join or
     * resume among such frames is served to its end, however long the meeting takes to seat it.
     */
    private EntryDeadline entryDeadline = EntryDeadline.WAITING;
    /** The deadline passed while a frame was being read ({@link EntryDeadline#READING}); guarded by {@code this}. */
    private boolean deadlinePassedWhileReading;

    private enum EntryDeadline {
        /** No join or resume received yet, no frame being read: the deadline may refuse the socket. */
        WAITING,
        /** A frame that arrived before the deadline is being read; the deadline waits for it. */
        READING,
        /** A join or resume came in time: it alone decides (it attaches the participant or refuses the socket). */
        MET,
        /** The deadline passed first: the socket is being refused, and a join arriving now is ignored. */
        MISSED
    }

    SignalingSession(SignalingConnection connection, CallingService service, RateLimiter rate, UnjoinedSockets.Ticket unjoined) {
        this.connection = connection;
        this.service = service;
        this.rate = rate;
        this.unjoined = unjoined;
    }

    /** One text frame from the client. */
    public void onText(String frame) {
        if (ended) {
            return;
        }
        boolean reading = startReading();
        try {
            handle(frame);
        } finally {
            if (reading) {
                doneReading();
            }
        }
    }

    private void handle(String frame) {
        try {
            if (frame.length() > service.config().maxFrameChars()) {
                cutOff(EndReason.MESSAGE_TOO_LARGE);
                return;
            }
            if (!rate.tryAcquire("frames")) {
                cutOff(EndReason.FLOODING);
                return;
            }
            ClientMessage m;
            try {
                m = service.decoder().decode(frame);
            } catch (ProtocolViolation v) {
                if (v.endReason() != null) {
                    cutOff(v.endReason());
                } else {
                    reply(LiveMeetingErrors.invalid(v.requestId(), v.getMessage()));
                }
                return;
            }
            try {
                dispatch(m);
            } catch (LiveMeeting.Busy busy) {
                // the meeting has calling.meeting-queue requests waiting: nothing changed; the client may retry
                reply(LiveMeetingErrors.of(m.id(), ActionError.MEETING_BUSY, busy.getMessage()));
            } catch (RuntimeException e) {
                if (!Database.unreachable(e)) {
                    throw e;
                }
                // the database is gone for a moment (docs/cluster.md): a join or resume is told to come back, a
                // participant's action changed nothing and may be sent again; neither waits longer than db.connect-timeout
                LOG.warn("calling: the database cannot be reached ({}); the client is told to try again", e.toString());
                if (participant == null) {
                    cutOff(EndReason.MEETING_UNAVAILABLE);
                } else {
                    reply(LiveMeetingErrors.of(m.id(), ActionError.MEETING_BUSY,
                            "the server cannot reach its database; nothing changed, try again in a moment"));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("calling: unexpected failure handling a frame", e);
            cutOff(EndReason.INTERNAL_ERROR);
        }
    }

    /** A binary frame from the client: not part of the protocol. */
    public void onBinary() {
        if (!ended) {
            cutOff(EndReason.PROTOCOL_ERROR);
        }
    }

    /**
     * The socket closed (by the client, the network, the transport's slow-consumer rule, or after
     * {@link #terminate}). A participant still linked to this session keeps its place only for the resume
     * grace; when the close comes while its join is still running, {@link #attach} does the same.
     */
    public void onClose() {
        Participant p;
        LiveMeeting m;
        synchronized (this) {
            ended = true;
            p = participant;
            m = meeting;
        }
        releaseUnjoined();
        if (p != null && m != null) {
            m.connectionLost(p, this); // no-op when the meeting already ended p or gave it another link
        }
    }

    private void dispatch(ClientMessage message) {
        Participant p = participant;
        LiveMeeting m = meeting;
        if (p == null && !(message instanceof Join) && !(message instanceof Resume) && !(message instanceof Ping)) {
            cutOff(EndReason.PROTOCOL_ERROR);
            return;
        }
        switch (message) {
            case Join j -> {
                if (p != null) {
                    reply(LiveMeetingErrors.of(j.id(), ActionError.ALREADY_JOINED, "this connection already joined"));
                } else if (meetDeadline()) {
                    service.join(this, j);
                }
            }
            case Resume r -> {
                if (p != null) {
                    reply(LiveMeetingErrors.of(r.id(), ActionError.ALREADY_JOINED, "this connection already joined"));
                } else if (meetDeadline()) {
                    service.resume(this, r);
                }
            }
            case Ping ping -> reply(new ServerMessage.Pong(ping.id()));
            case Leave l -> m.leave(p);
            case UpdateToken u -> reply(service.updateToken(this, m, p, u));
            case Mute mu -> reply(m.media().mute(p, mu.muted(), mu.id()));
            case Publish pub -> reply(m.media().publish(p, pub.source(), true, pub.id()));
            case Unpublish un -> reply(m.media().publish(p, un.source(), false, un.id()));
            case PublishOffer o -> reply(m.media().publishOffer(p, o.sdp(), o.sources(), o.id()));
            case SubscribeAnswer a -> reply(m.media().subscribeAnswer(p, a.sdp(), a.id()));
            case RestartIce r -> reply(m.media().restartIce(p, r.id()));
            case VideoPreference vp -> reply(m.media().videoPreference(p, ParticipantId.ofNullable(vp.participantId()),
                    vp.source() == null ? TrackSource.CAMERA : vp.source(), vp.maxHeight(), vp.id()));
            case Admit a -> reply(m.moderation().admit(p, ParticipantId.ofNullable(a.participantId()), a.id()));
            case AdmitAll a -> reply(m.moderation().admitAll(p, a.id()));
            case Deny d -> reply(m.moderation().deny(p, ParticipantId.ofNullable(d.participantId()), d.ban(), d.id()));
            case MuteParticipant mp -> reply(m.media().muteOther(p, ParticipantId.ofNullable(mp.participantId()), mp.id()));
            case RemoveParticipant rp -> reply(m.moderation().remove(p, ParticipantId.ofNullable(rp.participantId()), rp.ban(), rp.id()));
            case EndMeeting e -> reply(m.moderation().endMeeting(p, e.id()));
            case Chat c -> reply(m.features().chat(p, c.text(), c.id()));
            case Reaction r -> reply(m.features().reaction(p, r.reaction(), r.id()));
            case RaiseHand h -> reply(m.features().raiseHand(p, h.id()));
            case LowerHand h -> reply(m.features().lowerHand(p, ParticipantId.ofNullable(h.participantId()), h.id()));
            case RosterPage rp -> reply(m.rosterPage(p, rp.offset(), rp.limit(), rp.id()));
            case BreakoutCreate b -> reply(m.features().breakoutCreate(p, b.rooms(), b.id()));
            case BreakoutAssign b -> reply(m.features().breakoutAssign(p, b.roomId() == null ? null : new BreakoutRoomId(b.roomId()),
                    b.participantIds().stream().map(ParticipantId::new).toList(), b.id()));
            case BreakoutOpen b -> reply(m.features().breakoutOpen(p, b.id()));
            case BreakoutClose b -> reply(m.features().breakoutClose(p, b.id()));
            case TogetherMode t -> reply(m.features().togetherMode(p, t.active(), t.id()));
            case Recording r -> reply(m.features().recording(p, r.transcription(), r.active(), r.id()));
            case RecordingConsent c -> reply(m.features().recordingConsent(p, c.id()));
        }
    }

    /**
     * Called by the service once the join or resume succeeded. The socket may have closed while it ran
     * (the client went away, or the transport closed it as a slow consumer while the entry frames were
     * queued): then the participant is treated as disconnected at once, so it cannot stay as a ghost.
     */
    void attach(LiveMeeting meeting, Participant participant) {
        boolean closedMeanwhile;
        synchronized (this) {
            this.meeting = meeting;
            this.participant = participant;
            closedMeanwhile = ended;
        }
        releaseUnjoined();
        if (closedMeanwhile) {
            meeting.connectionLost(participant, this);
        }
    }

    /**
     * Arms the join deadline: a socket that has not sent {@code join} or {@code resume} by then is refused. A join
     * that came in time is not cut short by it, however long the meeting takes to seat it (its actor, the SFU,
     * the chat history): the participant may already have been sent {@code InLobby} or {@code Connected}, and
     * the join itself ends in a participant or a refusal, bounded by the meeting's own wait.
     */
    void armJoinDeadline(ScheduledExecutorService scheduler, Duration after) {
        joinDeadline = scheduler.schedule(() -> {
            synchronized (this) {
                if (entryDeadline == EntryDeadline.READING) {
                    deadlinePassedWhileReading = true; // the frame's thread refuses, unless the frame was a join
                    return;
                }
                if (entryDeadline != EntryDeadline.WAITING || participant != null || ended) {
                    return;
                }
                entryDeadline = EntryDeadline.MISSED;
            }
            refuse(EndReason.JOIN_TIMEOUT);
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A frame arrived: while the deadline runs, it waits until the frame has been read. */
    private boolean startReading() {
        synchronized (this) {
            if (entryDeadline != EntryDeadline.WAITING) {
                return false;
            }
            entryDeadline = EntryDeadline.READING;
            return true;
        }
    }

    /** The frame was not a join or resume (a ping, say): the deadline runs on, and refuses now if it passed. */
    private void doneReading() {
        synchronized (this) {
            if (entryDeadline != EntryDeadline.READING) {
                return; // the frame met the deadline
            }
            if (!deadlinePassedWhileReading || participant != null || ended) {
                entryDeadline = EntryDeadline.WAITING;
                return;
            }
            entryDeadline = EntryDeadline.MISSED;
        }
        refuse(EndReason.JOIN_TIMEOUT);
    }

    /**
     * The first join or resume claims the deadline; false when the deadline passed first (the socket is being
     * refused) or the socket has ended, and then the request is dropped.
     */
    private boolean meetDeadline() {
        synchronized (this) {
            if (ended || entryDeadline == EntryDeadline.MISSED) {
                return false;
            }
            entryDeadline = EntryDeadline.MET;
        }
        ScheduledFuture<?> deadline = joinDeadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        return true;
    }

    private void releaseUnjoined() {
        if (unjoined != null) {
            unjoined.release();
        }
        ScheduledFuture<?> deadline = joinDeadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** Refuses a join or resume before the participant exists: final state, then close. */
    void refuse(EndReason reason) {
        send(service.encoder().encode(new StateChanged("Disconnected", null, null, null, null, null, null, null,
                CallEndReason.of(reason), null)));
        service.counters().ended(reason);
        terminate(reason);
    }

    /**
     * Sends the client to the meeting's home node: {@code joinElsewhere} with that node's calling WebSocket,
     * then the final state ({@link EndReason#MEETING_ELSEWHERE}) for clients that do not follow it.
     */
    void redirect(java.net.URI homeSocket) {
        send(service.encoder().encode(new ServerMessage.JoinElsewhere(homeSocket.toString())));
        refuse(EndReason.MEETING_ELSEWHERE);
    }

    String remoteAddress() {
        return connection.remoteAddress();
    }

    private void cutOff(EndReason reason) {
        Participant p = participant;
        LiveMeeting m = meeting;
        if (p != null && m != null) {
            m.cutOff(p, reason);
        }
        if (!ended) {
            refuse(reason);
        }
    }

    private void reply(ServerMessage m) {
        if (m != null && !ended) {
            send(service.encoder().encode(m));
        }
    }

    @Override
    public void send(String frame) {
        if (!ended) {
            connection.send(frame);
        }
    }

    @Override
    public void terminate(EndReason reason) {
        if (!ended) {
            ended = true;
            connection.close(reason.closeCode(), reason.code() + "/" + reason.subCode());
        }
        releaseUnjoined();
    }

    /** Small factory for the error frames the session itself sends. */
    private static final class LiveMeetingErrors {
        static ServerMessage invalid(String requestId, String message) {
            return of(requestId, ActionError.INVALID_MESSAGE, message);
        }

        static ServerMessage of(String requestId, ActionError code, String message) {
            return new ServerMessage.Error(requestId, code.wire(), message);
        }
    }
}
