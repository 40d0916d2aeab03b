// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.CallingConfig;
import dev.porta.calling.attendance.AttendanceLog;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.chat.ChatHistoryStore;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.EndReason;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.*;
import dev.porta.calling.protocol.ServerMessageEncoder;
import dev.porta.calling.stats.CallingCounters;
import dev.porta.calling.stats.CallingStats.MeetingStats;
import dev.porta.media.api.MediaHost;
import dev.porta.media.api.TrackSource;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running meeting: who is in the lobby and in the meeting, the roster sequence, and every way in and
 * out. Features (chat, hands, breakout rooms…) live in {@link MeetingFeatures}, media in
 * {@link MeetingMedia}; all three lock on this object, and every frame to participants is queued while
 * holding it, so everyone sees changes in the same order.
 */
public final class LiveMeeting {
    /** How the meeting tells the service about resume tokens and its own end. */
    public interface Registry {
        void resumeTokenIssued(String token, LiveMeeting meeting);

        void resumeTokenRetired(String token);

        void meetingClosed(LiveMeeting meeting);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    final MeetingDetails details;
    final CallingConfig config;
    final Clock clock;
    /** When this live session began (the Chat API's thread {@code createdOn}). */
    final Instant startedAt;
    final ChatHistoryStore chat;
    final CallingCounters counters;
    final ServerMessageEncoder encoder;
    private final Registry registry;
    private final AttendanceLog attendance;
    private final Map<String, Participant> inMeeting = new LinkedHashMap<>();
    private final Map<String, Participant> lobby = new LinkedHashMap<>();
    private final MeetingFeatures features;
    private final MeetingMedia media;
    private final Bans bans = new Bans();
    private long seq;
    private long joinOrder;
    private long joins;
    private boolean closed;

    public LiveMeeting(MeetingDetails details, CallingConfig config, Clock clock, MediaHost mediaHost,
                       ChatHistoryStore chat, CallingCounters counters, ServerMessageEncoder encoder, Registry registry,
                       AttendanceLog attendance) {
        this.details = details;
        this.attendance = attendance;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.chat = chat;
        this.counters = counters;
        this.encoder = encoder;
        this.registry = registry;
        this.features = new MeetingFeatures(this);
        chat.meetingStarted(details.meetingId());
        this.media = new MeetingMedia(this, mediaHost);
    }

    public String meetingId() {
        return details.meetingId();
    }

    public MeetingFeatures features() {
        return features;
    }

    public MeetingMedia media() {
        return media;
    }

    /**
     * Takes {@code caller} in: to the lobby or straight into the meeting. Returns null when this live meeting
     * has just closed (the caller should get a fresh one); otherwise the participant, or a refusal already sent.
     */
    public synchronized JoinResult join(ParticipantLink link, Caller caller, String displayName, boolean muted) {
        if (closed) {
            return null;
        }
        if (bans.isBanned(caller.identityId())) {
            return new JoinResult.Refused(EndReason.BANNED);
        }
        // One live participant per external identity: a second join replaces the first (it keeps an
        // admission already granted), so one guest token cannot take many seats or flood the lobby.
        Participant previous = Permissions.isExternal(details, caller) ? findByIdentity(caller.identityId()) : null;
        boolean entering = Permissions.bypassesLobby(details, caller)
                || (previous != null && previous.state == Participant.State.CONNECTED);
        int freed = previous == null ? 0 : 1;
        if (entering && !Permissions.isOrganizer(details, caller)
                && inMeeting.size() - (previous != null && inMeeting.containsKey(previous.id) ? freed : 0) >= config.maxParticipants()) {
            return new JoinResult.Refused(EndReason.CAPACITY_REACHED);
        }
        if (!entering && lobby.size() - (previous != null && lobby.containsKey(previous.id) ? freed : 0) >= config.maxLobby()) {
            return new JoinResult.Refused(EndReason.LOBBY_FULL);
        }
        if (previous != null) {
            end(previous, EndReason.REPLACED, false);
        }
        Participant p = new Participant("p-" + randomToken(16), caller, displayName, Permissions.roleOf(details, caller),
                ++joinOrder, muted, Permissions.isExternal(details, caller));
        p.link = link;
        if (p.role == Role.ATTENDEE && !details.allowAttendeeToEnableMic()) {
            p.muted = true;
        }
        issueResumeToken(p);
        joins++;
        counters.joined();
        if (entering) {
            enter(p);
        } else {
            lobby.put(p.id, p);
            p.send(this, stateChanged(p, "InLobby"));
            toAdmitters(new LobbyDelta("added", lobbyEntry(p)));
        }
        return new JoinResult.Joined(p);
    }

    /** The outcome of {@link #join}. */
    public sealed interface JoinResult {
        record Joined(Participant participant) implements JoinResult { }

        record Refused(EndReason reason) implements JoinResult { }
    }

    /** Gives a dropped participant its place back; null when the token or identity does not match. */
    public synchronized Participant resume(ParticipantLink link, String resumeToken, Caller caller) {
        Participant p = findByResumeToken(resumeToken);
        if (p == null || !p.caller.identityId().equals(caller.identityId())) {
            return null;
        }
        if (p.link != null) {
            p.link.terminate(EndReason.LEFT); // an old socket the server had not noticed was gone
        }
        registry.resumeTokenRetired(p.resumeToken);
        issueResumeToken(p);
        p.caller = caller;
        p.link = link;
        p.disconnectedAt = null;
        if (p.state == Participant.State.IN_LOBBY) {
            p.send(this, stateChanged(p, "InLobby"));
        } else {
            seq++;
            broadcastExcept(new RosterDelta(seq, "updated", rosterEntry(p)), p);
            sendEntryPackage(p);
        }
        return p;
    }

    /** The socket dropped without {@code leave}: keep the place for the grace period. */
    public synchronized void connectionLost(Participant p, ParticipantLink link) {
        if (p.link != link || !contains(p)) {
            return;
        }
        p.link = null;
        p.disconnectedAt = clock.instant();
        if (p.state == Participant.State.CONNECTED) {
            rosterDelta("updated", p);
        }
    }

    /** Replaces the participant's token (same identity, later expiry). */
    public synchronized void tokenRefreshed(Participant p, Caller caller) {
        p.caller = caller;
    }

    public synchronized String identityOf(Participant p) {
        return p.caller.identityId();
    }

    /** Ends participants whose grace period or token ran out. */
    public synchronized void sweep(Instant now) {
        for (Participant p : everyone()) {
            if (p.link == null && p.disconnectedAt != null
                    && !p.disconnectedAt.plus(config.resumeGrace()).isAfter(now)) {
                end(p, EndReason.CONNECTION_LOST);
            } else if (!p.caller.expiresAt().isAfter(now)) {
                end(p, EndReason.TOKEN_EXPIRED);
            } else if (p.link != null && p.iceServersRenewAt != null && !p.iceServersRenewAt.isAfter(now)) {
                media.sendIceServers(p);
            }
        }
    }

    public synchronized void identityRevoked(String identityId) {
        for (Participant p : everyone()) {
            if (p.caller.identityId().equals(identityId)) {
                end(p, EndReason.TOKEN_REVOKED);
            }
        }
    }

    /** Ends everyone (meeting ended, server shutdown). */
    public synchronized void endForEveryone(EndReason reason) {
        everyone().forEach(p -> end(p, reason));
        closeIfEmpty();
    }

    public synchronized void leave(Participant p) {
        end(p, EndReason.LEFT);
    }

    /** Ends {@code p} because its own connection misbehaved (flooding, oversized, protocol error). */
    public synchronized void cutOff(Participant p, EndReason reason) {
        end(p, reason);
    }

    // ---- lobby and moderation actions ----

    public synchronized ServerMessage admit(Participant by, String id, String requestId) {
        ServerMessage refusal = refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal != null) {
            return refusal;
        }
        Participant p = lobby.get(id);
        if (p == null) {
            return error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the lobby");
        }
        if (freeSeats() == 0) {
            return error(requestId, ActionError.CAPACITY_REACHED, "the meeting is full (calling.max-participants)");
        }
        admitFromLobby(p);
        return new Ack(requestId, null);
    }

    public synchronized ServerMessage admitAll(Participant by, String requestId) {
        ServerMessage refusal = refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal != null) {
            return refusal;
        }
        List<Participant> waiting = new ArrayList<>(lobby.values());
        waiting = waiting.subList(0, Math.min(waiting.size(), freeSeats()));
        waiting.forEach(this::admitFromLobby);
        return new Ack(requestId, waiting.size());
    }

    private void admitFromLobby(Participant p) {
        lobby.remove(p.id);
        toAdmitters(new LobbyDelta("removed", new Ref(p.id)));
        enter(p);
    }

    public synchronized ServerMessage deny(Participant by, String id, boolean ban, String requestId) {
        ServerMessage refusal = refuseUnless(by, Capability.ADMIT_FROM_LOBBY, requestId);
        if (refusal == null) {
            refusal = refuseBanUnlessOrganizer(by, ban, requestId);
        }
        if (refusal != null) {
            return refusal;
        }
        Participant p = lobby.get(id);
        if (p == null) {
            return error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the lobby");
        }
        if (ban) {
            bans.ban(p.caller.identityId());
        }
        end(p, EndReason.LOBBY_DENIED);
        return new Ack(requestId, null);
    }

    public synchronized ServerMessage remove(Participant by, String id, boolean ban, String requestId) {
        ServerMessage refusal = refuseUnless(by, Capability.MANAGE_PARTICIPANTS, requestId);
        if (refusal == null) {
            refusal = refuseBanUnlessOrganizer(by, ban, requestId);
        }
        if (refusal != null) {
            return refusal;
        }
        Participant target = inMeeting.get(id);
        if (target == null) {
            return error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + id + " in the meeting");
        }
        Permissions.Denial denial = Permissions.removal(details, by, target);
        if (denial != null) {
            return error(requestId, denial.code(), denial.message());
        }
        if (ban) {
            bans.ban(target.caller.identityId());
        }
        end(target, ban ? EndReason.BANNED : EndReason.REMOVED);
        return new Ack(requestId, null);
    }

    public synchronized ServerMessage endMeeting(Participant by, String requestId) {
        ServerMessage refusal = refuseUnless(by, Capability.END_MEETING, requestId);
        if (refusal != null) {
            return refusal;
        }
        by.send(this, new Ack(requestId, null));
        endForEveryone(EndReason.MEETING_ENDED);
        return null;
    }

    private ServerMessage refuseBanUnlessOrganizer(Participant by, boolean ban, String requestId) {
        return ban && by.role != Role.ORGANIZER
                ? error(requestId, ActionError.ROLE_REQUIRED, "only the organizer may ban") : null;
    }

    // ---- package-private helpers for features and media (callers hold the lock) ----

    /** Null when {@code p} is Connected and may use {@code c}; otherwise the error to send. */
    ServerMessage refuseUnless(Participant p, Capability c, String requestId) {
        if (p.state != Participant.State.CONNECTED || !inMeeting.containsKey(p.id)) {
            return error(requestId, ActionError.NOT_CONNECTED, "this needs the Connected state");
        }
        if (c == null) {
            return null;
        }
        Permissions.Denial d = Permissions.check(details, p, c);
        return d == null ? null : error(requestId, d.code(), d.message());
    }

    static ServerMessage error(String requestId, ActionError code, String message) {
        return new ServerMessage.Error(requestId, code.wire(), message);
    }

    /** The connected participant whose token names {@code identityId}, or null (in the lobby, or not here). */
    Participant connectedWithIdentity(String identityId) {
        for (Participant p : inMeeting.values()) {
            if (p.state == Participant.State.CONNECTED && p.caller.identityId().equals(identityId)) {
                return p;
            }
        }
        return null;
    }

    /** The meeting's chat as the ACS Chat API sees it: a thread whose participants are the connected people. */
    public ThreadChat threadChat() {
        return new ThreadChat(this);
    }

    Participant connected(String id) {
        return inMeeting.get(id);
    }

    List<Participant> connectedInJoinOrder() {
        return List.copyOf(inMeeting.values());
    }

    void broadcast(ServerMessage m) {
        broadcastExcept(m, null);
    }

    private void broadcastExcept(ServerMessage m, Participant excluded) {
        String frame = encoder.encode(m);
        String redacted = null;
        for (Participant p : inMeeting.values()) {
            if (p.link != null && p != excluded) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    p.link.send(frame);
                }
            }
        }
    }

    /**
     * Privacy policy: when guests' identities are not visible to guests, an external recipient sees other
     * guests by participant id only (their raw id is left out). Members, and everyone's own entry, keep it.
     */
    private boolean hidesIdentity(Participant recipient, String entryId, String entryKind) {
        return recipient.external && !details.policy().guestIdentitiesVisibleToGuests()
                && "guest".equals(entryKind) && !recipient.id.equals(entryId);
    }

    private boolean hidesIdentityFrom(Participant recipient, ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            default -> false;
        };
    }

    private static ServerMessage withoutIdentity(ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> new RosterDelta(d.seq(), d.op(), e.withoutIdentity());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> new LobbyDelta(d.op(), e.withoutIdentity());
            default -> m;
        };
    }

    void rosterDelta(String op, Participant p) {
        seq++;
        broadcast(new RosterDelta(seq, op, op.equals("removed") ? new Ref(p.id) : rosterEntry(p)));
    }

    // ---- internals ----

    private void enter(Participant p) {
        p.state = Participant.State.CONNECTED;
        p.admittedAt = clock.instant();
        inMeeting.put(p.id, p);
        attendance.entered(details.meetingId(), new AttendanceLog.Attendee(p.id, p.rawId(), p.displayName, p.role.wireName(),
                p.isGuest(), p.caller instanceof Caller.Member m ? m.tenantId() : null), p.admittedAt);
        media.open(p);
        seq++;
        broadcastExcept(new RosterDelta(seq, "added", rosterEntry(p)), p); // p itself gets the snapshot below
        sendEntryPackage(p);
        features.rosterChanged();
    }

    private void sendEntryPackage(Participant p) {
        media.sendIceServers(p); // before Connected: the client builds its peer connections with them
        p.send(this, stateChanged(p, "Connected"));
        List<RosterEntry> entries = new ArrayList<>(inMeeting.size());
        for (Participant q : inMeeting.values()) {
            RosterEntry e = rosterEntry(q);
            entries.add(hidesIdentity(p, e.id(), e.kind()) ? e.withoutIdentity() : e);
        }
        p.send(this, new Roster(seq, entries));
        if (Permissions.check(details, p, Capability.ADMIT_FROM_LOBBY) == null) {
            List<LobbyEntry> waiting = new ArrayList<>();
            for (Participant q : lobby.values()) {
                LobbyEntry e = lobbyEntry(q);
                waiting.add(hidesIdentity(p, e.id(), e.kind()) ? e.withoutIdentity() : e);
            }
            p.send(this, new ServerMessage.Lobby(waiting));
        }
        features.sendEntryState(p);
    }

    private void end(Participant p, EndReason reason) {
        end(p, reason, true);
    }

    /** @param closeWhenEmpty false while a replacement is about to take {@code p}'s place */
    private void end(Participant p, EndReason reason, boolean closeWhenEmpty) {
        boolean wasConnected = inMeeting.remove(p.id) != null;
        boolean wasWaiting = lobby.remove(p.id) != null;
        if (!wasConnected && !wasWaiting) {
            return;
        }
        registry.resumeTokenRetired(p.resumeToken);
        counters.ended(reason);
        if (wasWaiting) {
            toAdmitters(new LobbyDelta("removed", new Ref(p.id)));
        }
        if (wasConnected) {
            attendance.left(details.meetingId(), p.id, clock.instant());
            media.close(p);
            features.participantLeft(p);
            rosterDelta("removed", p);
            features.rosterChanged();
        }
        if (p.link != null) {
            p.send(this, new StateChanged("Disconnected", null, null, null, null, null, null, null,
                    CallEndReason.of(reason)));
            p.link.terminate(reason);
            p.link = null;
        }
        if (closeWhenEmpty) {
            closeIfEmpty();
        }
    }

    private int freeSeats() {
        return Math.max(0, config.maxParticipants() - inMeeting.size());
    }

    private Participant findByIdentity(String identityId) {
        for (Participant p : everyone()) {
            if (p.caller.identityId().equals(identityId)) {
                return p;
            }
        }
        return null;
    }

    private void closeIfEmpty() {
        if (!closed && inMeeting.isEmpty() && lobby.isEmpty()) {
            closed = true;
            attendance.sessionEnded(details.meetingId(), clock.instant());
            features.meetingClosed();
            registry.meetingClosed(this);
        }
    }

    private void toAdmitters(ServerMessage m) {
        String frame = null;
        String redacted = null;
        for (Participant p : inMeeting.values()) {
            if (p.link != null && Permissions.check(details, p, Capability.ADMIT_FROM_LOBBY) == null) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    frame = frame == null ? encoder.encode(m) : frame;
                    p.link.send(frame);
                }
            }
        }
    }

    private boolean contains(Participant p) {
        return inMeeting.get(p.id) == p || lobby.get(p.id) == p;
    }

    private List<Participant> everyone() {
        List<Participant> all = new ArrayList<>(lobby.values());
        all.addAll(inMeeting.values());
        return all;
    }

    private Participant findByResumeToken(String token) {
        for (Participant p : everyone()) {
            if (java.security.MessageDigest.isEqual(p.resumeToken.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    token.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return p;
            }
        }
        return null;
    }

    private void issueResumeToken(Participant p) {
        p.resumeToken = randomToken(32);
        registry.resumeTokenIssued(p.resumeToken, this);
    }

    private StateChanged stateChanged(Participant p, String state) {
        MeetingInfo info = new MeetingInfo(details.meetingId(), details.subject(), iso(details.startDateTime()),
                iso(details.endDateTime()));
        if (state.equals("InLobby")) {
            return new StateChanged(state, p.id, p.resumeToken, info, null, null, null, null, null);
        }
        return new StateChanged(state, p.id, p.resumeToken, info, p.role.wireName(),
                Permissions.capabilities(details, p), features.recording(), features.transcription(), null);
    }

    RosterEntry rosterEntry(Participant p) {
        List<String> streams = new ArrayList<>(3);
        if (p.published.contains(TrackSource.MICROPHONE) && !p.muted) {
            streams.add("audio");
        }
        if (p.published.contains(TrackSource.CAMERA)) {
            streams.add("video");
        }
        if (p.published.contains(TrackSource.SCREEN)) {
            streams.add("screenShare");
        }
        return new RosterEntry(p.id, p.kind(), p.displayName, p.role.wireName(),
                p.isReconnecting() ? "Reconnecting" : "Connected", p.muted, p.speaking, p.handRaised, streams,
                p.breakoutRoomId, p.external ? Boolean.TRUE : null, p.rawId());
    }

    private static LobbyEntry lobbyEntry(Participant p) {
        return new LobbyEntry(p.id, p.kind(), p.displayName, p.external ? Boolean.TRUE : null, p.rawId());
    }

    static String iso(Instant i) {
        return i == null ? null : i.toString();
    }

    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public synchronized MeetingStats stats() {
        return new MeetingStats(details.meetingId(), inMeeting.size(), lobby.size(), joins);
    }
}
