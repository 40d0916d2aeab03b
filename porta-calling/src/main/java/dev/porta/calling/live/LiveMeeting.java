// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.CallingConfig;
import dev.porta.calling.attendance.AttendanceLog;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.IdentityId;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running meeting and every way in and out of it (join, entry, resume, leave, end). Its parts: who
 * has a seat and the roster sequence ({@link Roster}), who waits ({@link Lobby}), resume tokens
 * ({@link ResumeTokens}), what organizers do to others ({@link Moderation}), features such as chat, hands
 * and breakout rooms ({@link MeetingFeatures}), and media ({@link MeetingMedia}).
 *
 * <p>An actor: the meeting's state is touched only by tasks on its own {@link SerialQueue}, one at a time,
 * and every frame to participants is queued from there, so everyone sees changes in the same order. No task
 * waits for the SFU or the database: SFU calls run on each participant's media lane and chat writes on a
 * chat I/O lane, and what they bring back is posted to the meeting as another task. A caller (a socket, the
 * Chat API, the sweep) waits for its task and for the SFU and database work that task started, so it
 * answers its client only once the change is complete, while the meeting goes on serving everyone else.
 * Work from clients is bounded by {@code calling.meeting-queue}; beyond it the caller gets {@link Busy}.
 */
public final class LiveMeeting {
    /** How the meeting tells the service about resume tokens and its own end. */
    public interface Registry {
        void resumeTokenIssued(String token, LiveMeeting meeting);

        void resumeTokenRetired(String token);

        void meetingClosed(LiveMeeting meeting);

        /** Signs resume tokens that other nodes can check (a cluster); null: random tokens, this node only. */
        default ResumeTickets tickets() {
            return null;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveMeeting.class);
    /** How long a caller waits for its task (and the SFU and database work it started) before giving up. */
    private static final long WAIT_SECONDS = 30;

    /** The meeting's queue is full (calling.meeting-queue): the caller answers "busy" and changes nothing. */
    public static final class Busy extends RuntimeException {
        Busy(String meetingId) {
            super("the meeting " + meetingId + " has too much work waiting (calling.meeting-queue)", null, false, false);
        }
    }

    final MeetingDetails details;
    final CallingConfig config;
    final Clock clock;
    /** When this live session began (the Chat API's thread {@code createdOn}). */
    final Instant startedAt;
    final ChatHistoryStore chat;
    /** The history as this meeting knows it (read on the actor); the store is written through {@link #chatIo}. */
    final ChatMirror chatMirror;
    /** This meeting's actor: the only thread that touches its state. */
    final SerialQueue actor;
    /** Where chat history I/O runs, in order, for this meeting (a stripe shared by meetings; never the actor). */
    private final ChatLane chatIo;
    /** Completes (on the actor) once the stored history is in {@link #chatMirror}; entries wait for it. */
    private final java.util.concurrent.CompletableFuture<Void> historyLoaded = new java.util.concurrent.CompletableFuture<>();
    /** SFU and database work started by the task running now, which its caller waits for; null outside such a task. */
    private List<java.util.concurrent.CompletableFuture<?>> effects;
    final CallingCounters counters;
    final ServerMessageEncoder encoder;
    private final Registry registry;
    private final AttendanceLog attendance;
    /** Who has a seat, and the roster's sequence. */
    private final Roster roster;
    /** Who waits to be let in. */
    private final Lobby lobby;
    private final ResumeTokens resumeTokens;
    private final MeetingFeatures features;
    private final MeetingMedia media;
    private final Moderation moderation;
    private long joinOrder;
    /**
     * Participants that came by a dead home's resume ticket and ended in this live session: that ticket is good
     * once. Only they need remembering: a ticket names its home node, and this node's own participants' tickets
     * are never re-homed onto the node that issued them. Bounded by the re-homed participants.
     */
    private final java.util.Set<ParticipantId> endedHere = new java.util.HashSet<>();
    private long joins;
    private boolean closed;

    /**
     * @param chatIo where this meeting's chat history is read and written: the same lane for every live session
     *               of one meeting ID, so that an ended session's last write comes before the next one's read
     * @param rosterWindow when gathered roster changes go out to roster-version-2 clients ({@code calling.roster-window})
     */
    public LiveMeeting(MeetingDetails details, CallingConfig config, Clock clock, MediaHost mediaHost,
                       ChatHistoryStore chat, ChatLane chatIo, CallingCounters counters, ServerMessageEncoder encoder,
                       Registry registry, AttendanceLog attendance, RosterWindow rosterWindow) {
        this.details = details;
        this.attendance = attendance;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.chat = chat;
        this.counters = counters;
        this.encoder = encoder;
        this.registry = registry;
        this.actor = new SerialQueue("porta-meeting-" + details.meetingId(), config.meetingQueue());
        // the batch is built on the actor, after the work already queued there when the window closed
        this.roster = new Roster(details, encoder, flush -> rosterWindow.open(() -> actor.post(flush)));
        this.lobby = new Lobby(roster);
        this.resumeTokens = new ResumeTokens(this, registry);
        this.chatIo = chatIo;
        this.chatMirror = new ChatMirror(config.chatHistorySize(), config.chatHistoryBytes());
        this.features = new MeetingFeatures(this);
        this.moderation = new Moderation(this);
        this.media = new MeetingMedia(this, mediaHost);
        String id = details.meetingId();
        chatIo.read(id, () -> {
            chat.meetingStarted(id);
            return chat.history(id);
        }).whenComplete((stored, failure) -> actor.post(() -> {
            if (failure != null) {
                LOG.warn("calling: reading the chat history of {} failed; the live session starts without it", id, failure);
            } else {
                chatMirror.loaded(stored);
            }
            historyLoaded.complete(null);
        }));
    }

    // ---- the actor ----

    /**
     * Runs {@code task} on the meeting's actor, bounded by {@code calling.meeting-queue} (work a client asked
     * for), and returns its result once the SFU and database work it started is done too.
     *
     * @throws Busy when the meeting's queue is full
     */
    <T> T ask(java.util.function.Supplier<T> task) {
        return run(task, true);
    }

    /** As {@link #ask}, never refused: for the server's own work (sweep, revocation, shutdown, a closed socket). */
    <T> T tell(java.util.function.Supplier<T> task) {
        return run(task, false);
    }

    /** As {@link #ask} for a task whose answer comes later (from a participant's media lane): waits for it. */
    <T> T askLater(java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> task) {
        return await(ask(task));
    }

    /**
     * As {@link #tell}, for work whose caller only needs it done (a closed socket, a leave): a caller interrupted
     * while it waits (its transport shutting down) stops waiting quietly; the work still runs.
     */
    private void tell(Runnable task) {
        try {
            tell(() -> {
                task.run();
                return null;
            });
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
                throw e;
            }
        }
    }

    private <T> T run(java.util.function.Supplier<T> task, boolean bounded) {
        if (actor.isCurrent()) {
            return task.get(); // already on the actor (one meeting action inside another): its effects join the outer's
        }
        var result = new java.util.concurrent.CompletableFuture<T>();
        Runnable r = () -> {
            List<java.util.concurrent.CompletableFuture<?>> mine = new ArrayList<>();
            effects = mine;
            try {
                T value = task.get();
                effects = null;
                java.util.concurrent.CompletableFuture.allOf(mine.toArray(java.util.concurrent.CompletableFuture[]::new))
                        .whenComplete((ignored, failure) -> {
                            if (failure != null) {
                                result.completeExceptionally(failure);
                            } else {
                                result.complete(value);
                            }
                        });
            } catch (RuntimeException | java.lang.Error e) {
                effects = null;
                result.completeExceptionally(e);
            }
        };
        if (!bounded) {
            actor.post(r);
        } else if (!actor.offer(r)) {
            counters.meetingBusy();
            throw new Busy(details.meetingId());
        }
        return await(result);
    }

    /** Work the running task started off the actor; its caller waits for it. */
    void effect(java.util.concurrent.CompletableFuture<?> f) {
        if (effects != null) {
            effects.add(f);
        }
    }

    /**
     * Runs {@code write} on the chat I/O lane, after every earlier chat write of this meeting; while the database
     * cannot be reached it waits there ({@link ChatLane}), and the sweep tries it again.
     */
    void chatWrite(java.util.function.Consumer<ChatHistoryStore> write) {
        effect(chatIo.write(details.meetingId(), write));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof java.lang.Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the meeting did not finish the task in " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the meeting", e);
        }
    }

    public String meetingId() {
        return details.meetingId();
    }

    /** The organization whose meeting this is. */
    public String tenantId() {
        return details.tenantId();
    }

    /** Requests from clients waiting for this meeting's actor (at most {@code calling.meeting-queue}). */
    public int waitingRequests() {
        return actor.waiting();
    }

    public Moderation moderation() {
        return moderation;
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
    public JoinResult join(ParticipantLink link, Caller caller, String displayName, boolean muted, int rosterVersion) {
        return ask(() -> joinOnActor(link, caller, displayName, muted, rosterVersion));
    }

    private JoinResult joinOnActor(ParticipantLink link, Caller caller, String displayName, boolean muted, int rosterVersion) {
        if (closed) {
            return null;
        }
        if (moderation.isBanned(caller.identity())) {
            return new JoinResult.Refused(EndReason.BANNED);
        }
        // One live participant per external identity: a second join replaces the first (it keeps an
        // admission already granted), so one guest token cannot take many seats or flood the lobby.
        Participant previous = Permissions.isExternal(details, caller) ? findByIdentity(caller.identity()) : null;
        boolean entering = Permissions.bypassesLobby(details, caller)
                || (previous != null && previous.state == Participant.State.CONNECTED);
        int freed = previous == null ? 0 : 1;
        if (entering && !Permissions.isOrganizer(details, caller)
                && roster.size() - (previous != null && roster.has(previous.id) ? freed : 0) >= config.maxParticipants()) {
            return new JoinResult.Refused(EndReason.CAPACITY_REACHED);
        }
        if (!entering && lobby.size() - (previous != null && lobby.has(previous.id) ? freed : 0) >= config.maxLobby()) {
            return new JoinResult.Refused(EndReason.LOBBY_FULL);
        }
        if (previous != null) {
            end(previous, EndReason.REPLACED, false);
        }
        Participant p = new Participant(ParticipantId.random(), caller, displayName, Permissions.roleOf(details, caller),
                ++joinOrder, muted, Permissions.isExternal(details, caller));
        p.link = link;
        speaksRoster(p, rosterVersion);
        if (p.role == Role.ATTENDEE && !details.allowAttendeeToEnableMic()) {
            p.muted = true;
        }
        resumeTokens.issue(p, entering);
        joins++;
        counters.joined();
        if (entering) {
            enter(p);
        } else {
            p.send(this, stateChanged(p, "InLobby"));
            lobby.arrive(p);
        }
        return new JoinResult.Joined(p);
    }

    /** The outcome of {@link #join}. */
    public sealed interface JoinResult {
        record Joined(Participant participant) implements JoinResult { }

        record Refused(EndReason reason) implements JoinResult { }
    }

    /** Gives a dropped participant its place back; null when the token or identity does not match. */
    public Participant resume(ParticipantLink link, String resumeToken, Caller caller, int rosterVersion) {
        return ask(() -> resumeOnActor(link, resumeToken, caller, rosterVersion));
    }

    private Participant resumeOnActor(ParticipantLink link, String resumeToken, Caller caller, int rosterVersion) {
        Participant p = ResumeTokens.holder(everyone(), resumeToken);
        if (p == null || !p.caller.identity().equals(caller.identity())) {
            return null;
        }
        if (p.link != null) {
            p.link.terminate(EndReason.LEFT); // an old socket the server had not noticed was gone
        }
        p.caller = caller;
        resumeTokens.issue(p, p.state == Participant.State.CONNECTED);
        p.link = link;
        if (rosterVersion != 0 && p.rosterVersion != rosterVersion) {
            speaksRoster(p, rosterVersion); // the client may have been updated (a reload); its page starts over
        }
        p.disconnectedAt = null;
        if (p.state == Participant.State.IN_LOBBY) {
            p.send(this, stateChanged(p, "InLobby"));
        } else {
            roster.changed("updated", p, p);
            if (!p.awaitingEntry) {
                sendEntryPackage(p); // otherwise its entry, still opening its media, sends it to the new link
            }
        }
        return p;
    }

    /**
     * Takes back a participant of this meeting's previous home (a node that died) from its resume ticket: with
     * the same participant id and display name, into the meeting directly when it had been let in there, else
     * into the lobby. Its role is the one the meeting gives {@code caller} (a promotion made on the dead node is
     * lost with it). Returns null when this live meeting has just closed; a refusal when the participant is
     * already here or has ended here (a ticket is good once per live session), banned, or the meeting is full.
     */
    public JoinResult rehome(ParticipantLink link, ResumeTickets.Ticket ticket, Caller caller, int rosterVersion) {
        return ask(() -> rehomeOnActor(link, ticket, caller, rosterVersion));
    }

    private JoinResult rehomeOnActor(ParticipantLink link, ResumeTickets.Ticket ticket, Caller caller, int rosterVersion) {
        if (closed) {
            return null;
        }
        if (endedHere.contains(ticket.participantId()) || roster.get(ticket.participantId()) != null
                || lobby.get(ticket.participantId()) != null) {
            return new JoinResult.Refused(EndReason.RESUME_FAILED);
        }
        if (moderation.isBanned(caller.identity())) {
            return new JoinResult.Refused(EndReason.BANNED);
        }
        // as at a join: one live participant per external identity (a member may be here from several devices)
        Participant previous = Permissions.isExternal(details, caller) ? findByIdentity(caller.identity()) : null;
        boolean entering = ticket.admittedAt() != null || Permissions.bypassesLobby(details, caller);
        int freed = previous == null ? 0 : 1;
        if (entering && !Permissions.isOrganizer(details, caller)
                && roster.size() - (previous != null && roster.has(previous.id) ? freed : 0) >= config.maxParticipants()) {
            return new JoinResult.Refused(EndReason.CAPACITY_REACHED);
        }
        if (!entering && lobby.size() - (previous != null && lobby.has(previous.id) ? freed : 0) >= config.maxLobby()) {
            return new JoinResult.Refused(EndReason.LOBBY_FULL);
        }
        if (previous != null) {
            end(previous, EndReason.REPLACED, false); // the same person joined afresh meanwhile: one seat each
        }
        Participant p = new Participant(ticket.participantId(), caller, ticket.displayName(),
                Permissions.roleOf(details, caller), ++joinOrder, false, Permissions.isExternal(details, caller));
        p.link = link;
        p.arrivedByTicket = true;
        speaksRoster(p, Math.max(1, rosterVersion));
        if (p.role == Role.ATTENDEE && !details.allowAttendeeToEnableMic()) {
            p.muted = true;
        }
        if (entering) {
            p.admittedAt = ticket.admittedAt(); // the chat it may see starts where it did (guests: at their admission)
        }
        resumeTokens.issue(p, entering);
        joins++;
        counters.joined();
        if (entering) {
            enter(p);
            if (ticket.admittedAt() != null) {
                p.admittedAt = ticket.admittedAt(); // enter() stamped now; its entry package goes out later
            }
        } else {
            p.send(this, stateChanged(p, "InLobby"));
            lobby.arrive(p);
        }
        return new JoinResult.Joined(p);
    }

    /** {@code p}'s client speaks roster {@code version}; a version 2 client starts with the first page. */
    private void speaksRoster(Participant p, int version) {
        p.rosterVersion = version;
        roster.showPage(p, 0, config.rosterPageSize());
    }

    /**
     * A roster-version-2 client shows another part of the roster: it gets that page as a {@code roster} snapshot
     * (with the total), and from then on batches for that page. The limit is at most {@code calling.roster-page-size}.
     */
    public ServerMessage rosterPage(Participant p, int offset, int limit, String requestId) {
        return ask(() -> {
            ServerMessage refusal = refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (p.rosterVersion < 2) {
                return error(requestId, ActionError.INVALID_MESSAGE, "rosterPage needs rosterVersion 2 in join or resume");
            }
            if (limit > config.rosterPageSize()) {
                return error(requestId, ActionError.INVALID_MESSAGE, "limit must be 1 to " + config.rosterPageSize());
            }
            if (offset >= config.maxParticipants()) {
                return error(requestId, ActionError.INVALID_MESSAGE, "offset must be below " + config.maxParticipants());
            }
            roster.showPage(p, offset, limit);
            p.send(this, roster.snapshotFor(p));
            return new Ack(requestId, null);
        });
    }

    /** The socket dropped without {@code leave}: keep the place for the grace period. */
    public void connectionLost(Participant p, ParticipantLink link) {
        tell(() -> connectionLostOnActor(p, link));
    }

    private void connectionLostOnActor(Participant p, ParticipantLink link) {
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
    public void tokenRefreshed(Participant p, Caller caller) {
        ask(() -> p.caller = caller);
    }

    public IdentityId identityOf(Participant p) {
        return ask(() -> p.caller.identity());
    }

    /** Ends participants whose grace period or token ran out. */
    public void sweep(Instant now) {
        tell(() -> sweepOnActor(now));
    }

    private void sweepOnActor(Instant now) {
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

    public void identityRevoked(IdentityId identityId) {
        tell(() -> identityRevokedOnActor(identityId));
    }

    private void identityRevokedOnActor(IdentityId identityId) {
        for (Participant p : everyone()) {
            if (p.caller.identity().equals(identityId)) {
                end(p, EndReason.TOKEN_REVOKED);
            }
        }
    }

    /** Ends everyone (meeting ended, server shutdown). */
    public void endForEveryone(EndReason reason) {
        tell(() -> endEveryone(reason));
    }

    public void leave(Participant p) {
        tell(() -> end(p, EndReason.LEFT)); // never refused: leaving frees the meeting's resources
    }

    /** Ends {@code p} because its own connection misbehaved (flooding, oversized, protocol error). */
    public void cutOff(Participant p, EndReason reason) {
        tell(() -> end(p, reason));
    }

    // ---- for Moderation (on the actor) ----

    /** The participant waiting in the lobby with {@code id}, or null. */
    Participant waiting(ParticipantId id) {
        return lobby.get(id);
    }

    List<Participant> waitingInOrder() {
        return lobby.inArrivalOrder();
    }

    void admitFromLobby(Participant p) {
        lobby.leave(p);
        resumeTokens.issue(p, true); // the token in its Connected frame says it was let in (another node reads it)
        enter(p);
    }

    void endOne(Participant p, EndReason reason) {
        end(p, reason);
    }

    void endEveryone(EndReason reason) {
        everyone().forEach(p -> end(p, reason));
        closeIfEmpty();
    }

    // ---- package-private helpers for features and media (on the actor) ----

    /** Null when {@code p} is Connected and may use {@code c}; otherwise the error to send. */
    ServerMessage refuseUnless(Participant p, Capability c, String requestId) {
        if (p.state != Participant.State.CONNECTED || !roster.has(p.id)) {
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
    Participant connectedWithIdentity(IdentityId identityId) {
        for (Participant p : roster.inJoinOrder()) {
            if (p.state == Participant.State.CONNECTED && p.caller.identity().equals(identityId)) {
                return p;
            }
        }
        return null;
    }

    /** The meeting's chat as the ACS Chat API sees it: a thread whose participants are the connected people. */
    public ThreadChat threadChat() {
        return new ThreadChat(this);
    }

    Participant connected(ParticipantId id) {
        return roster.get(id);
    }

    List<Participant> connectedInJoinOrder() {
        return roster.inJoinOrder();
    }

    void broadcast(ServerMessage m) {
        roster.broadcast(m, null);
    }

    void rosterDelta(String op, Participant p) {
        roster.changed(op, p, null);
    }

    // ---- internals ----

    /**
     * {@code p} takes a seat: everyone else sees it at once; {@code p} itself gets its entry package (Connected,
     * roster, lobby, chat history…) once the SFU has opened its media session and the stored chat history is
     * loaded, both off the actor. Until then {@code p} gets no other frames: the package's snapshot covers
     * what it missed, and the SFU's events for it wait. The task that let {@code p} in waits for the entry.
     */
    private void enter(Participant p) {
        p.state = Participant.State.CONNECTED;
        p.admittedAt = clock.instant();
        p.mediaSession = randomToken(9); // new on this node: a client that had peer connections elsewhere makes new ones
        p.awaitingEntry = true;
        roster.seat(p);
        attendance.entered(details.meetingId(), new AttendanceLog.Attendee(p.id.value(), p.rawId(), p.displayName, p.role.wireName(),
                p.isGuest(), p.caller instanceof Caller.Member m ? m.tenantId() : null), p.admittedAt);
        roster.changed("added", p, p); // p itself gets the snapshot on entry
        features.rosterChanged();
        var entered = new java.util.concurrent.CompletableFuture<Void>();
        media.open(p).thenCombine(historyLoaded, (a, b) -> b)
                .whenComplete((ignored, failure) -> actor.post(() -> finishEntry(p, failure, entered)));
        effect(entered);
    }

    private void finishEntry(Participant p, Throwable mediaFailure, java.util.concurrent.CompletableFuture<Void> entered) {
        try {
            if (!p.awaitingEntry || roster.get(p.id) != p) {
                return; // ended while its media opened
            }
            if (mediaFailure != null) {
                LOG.warn("calling: the SFU did not open a media session for {}", p.id, mediaFailure);
                end(p, EndReason.INTERNAL_ERROR);
                return;
            }
            p.awaitingEntry = false;
            sendEntryPackage(p);
            media.releaseEvents();
        } finally {
            entered.complete(null);
        }
    }

    private void sendEntryPackage(Participant p) {
        media.sendIceServers(p); // before Connected: the client builds its peer connections with them
        p.send(this, stateChanged(p, "Connected"));
        p.send(this, roster.snapshotFor(p));
        if (roster.mayAdmit(p)) {
            p.send(this, lobby.snapshotFor(p));
        }
        features.sendEntryState(p);
    }

    private void end(Participant p, EndReason reason) {
        end(p, reason, true);
    }

    /** @param closeWhenEmpty false while a replacement is about to take {@code p}'s place */
    private void end(Participant p, EndReason reason, boolean closeWhenEmpty) {
        boolean wasConnected = roster.unseat(p);
        boolean wasWaiting = lobby.leave(p);
        if (!wasConnected && !wasWaiting) {
            return;
        }
        resumeTokens.retire(p);
        if (p.arrivedByTicket) {
            endedHere.add(p.id);
        }
        counters.ended(reason);
        java.util.concurrent.CompletableFuture<Void> mediaClosed = null;
        if (wasConnected) {
            attendance.left(details.meetingId(), p.id.value(), clock.instant());
            mediaClosed = media.close(p);
            features.participantLeft(p);
            rosterDelta("removed", p);
            features.rosterChanged();
        }
        ParticipantLink link = p.link;
        p.link = null;
        p.awaitingEntry = false;
        if (link != null) {
            // The last word goes once the SFU has let go of p's media, so a client told it is out is out.
            String last = encoder.encode(new StateChanged("Disconnected", null, null, null, null, null, null, null,
                    CallEndReason.of(reason), null));
            Runnable farewell = () -> {
                link.send(last);
                link.terminate(reason);
            };
            if (mediaClosed == null) {
                farewell.run();
            } else {
                effect(mediaClosed.thenRun(farewell));
            }
        } else if (mediaClosed != null) {
            effect(mediaClosed);
        }
        if (closeWhenEmpty) {
            closeIfEmpty();
        }
    }

    int freeSeats() {
        return Math.max(0, config.maxParticipants() - roster.size());
    }

    private Participant findByIdentity(IdentityId identityId) {
        for (Participant p : everyone()) {
            if (p.caller.identity().equals(identityId)) {
                return p;
            }
        }
        return null;
    }

    private void closeIfEmpty() {
        if (!closed && roster.isEmpty() && lobby.isEmpty()) {
            closed = true;
            attendance.sessionEnded(details.meetingId(), clock.instant());
            features.meetingClosed();
            registry.meetingClosed(this);
        }
    }

    private boolean contains(Participant p) {
        return roster.get(p.id) == p || lobby.get(p.id) == p;
    }

    private List<Participant> everyone() {
        List<Participant> all = new ArrayList<>(lobby.inArrivalOrder());
        all.addAll(roster.inJoinOrder());
        return all;
    }

    private StateChanged stateChanged(Participant p, String state) {
        MeetingInfo info = new MeetingInfo(details.meetingId(), details.subject(), iso(details.startDateTime()),
                iso(details.endDateTime()));
        if (state.equals("InLobby")) {
            return new StateChanged(state, p.id.value(), p.resumeToken, info, null, null, null, null, null, null);
        }
        return new StateChanged(state, p.id.value(), p.resumeToken, info, p.role.wireName(),
                Permissions.capabilities(details, p), features.recording(), features.transcription(), null,
                p.mediaSession);
    }

    RosterEntry rosterEntry(Participant p) {
        return roster.entry(p);
    }

    static String iso(Instant i) {
        return i == null ? null : i.toString();
    }

    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public MeetingStats stats() {
        return tell(() -> new MeetingStats(details.meetingId(), roster.size(), lobby.size(), joins));
    }
}
