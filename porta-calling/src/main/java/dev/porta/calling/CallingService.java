// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.attendance.AttendanceLog;
import dev.porta.calling.auth.Authentication;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.CallerAuthenticator;
import dev.porta.calling.auth.IdentityId;
import dev.porta.calling.chat.ChatHistoryStore;
import dev.porta.calling.live.ChatLane;
import dev.porta.calling.live.LiveMeeting;
import dev.porta.calling.live.Moderation;
import dev.porta.calling.live.Participant;
import dev.porta.calling.live.ParticipantId;
import dev.porta.calling.live.ResumeTickets;
import dev.porta.calling.live.RosterWindow;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.ClientMessage.Join;
import dev.porta.calling.protocol.ClientMessage.Resume;
import dev.porta.calling.protocol.ClientMessage.UpdateToken;
import dev.porta.calling.protocol.ClientMessageDecoder;
import dev.porta.calling.protocol.EndReason;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessageEncoder;
import dev.porta.calling.stats.CallingCounters;
import dev.porta.calling.stats.CallingStats;
import dev.porta.common.MeetingPlacement;
import dev.porta.common.RateLimiter;
import dev.porta.common.RateLimits;
import dev.porta.media.api.MediaHost;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The calling service: entry point for signaling connections, the live meetings of this node, and the
 * server's hooks (revocation, shutdown, stats). A transport adapter calls {@link #open} for each new
 * WebSocket and then the returned session's {@code onText}/{@code onClose}.
 */
public final class CallingService implements CallingStats, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CallingService.class);
    private final CallingConfig config;
    private final CallerAuthenticator authenticator;
    private final MeetingDirectory directory;
    private final ChatHistoryStore chat;
    private final MediaHost media;
    private final Clock clock;
    private final ClientMessageDecoder decoder;
    private final ServerMessageEncoder encoder = new ServerMessageEncoder();
    private final CallingCounters counters = new CallingCounters();
    private final JoinGate gate;
    private final MeetingRouter router;
    /**
     * Chat history I/O, off every meeting's actor: a meeting ID always maps to the same stripe, so an ended
     * session's last write comes before the next session's read of the same meeting.
     */
    private final ChatLane[] chatIo = new ChatLane[8];
    private final ScheduledFuture<?> sweeper;
    private final java.util.concurrent.atomic.AtomicBoolean sweeping = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService scheduler;
    private volatile RosterWindow rosterWindow;
    private final UnjoinedSockets unjoined;
    private volatile boolean shuttingDown;
    private final AttendanceLog attendance;
    private final MeetingPlacement placement;
    private final ResumeTickets tickets;

    /**
     * @param scheduler runs the once-a-second sweep (resume grace, token expiry) and join deadlines; not shut
     *                  down by this service
     */
    public CallingService(CallingConfig config, CallerAuthenticator authenticator, MeetingDirectory directory,
                          ChatHistoryStore chat, MediaHost media, Clock clock, ScheduledExecutorService scheduler) {
        this(config, authenticator, directory, chat, media, clock, scheduler, AttendanceLog.NONE);
    }

    /** @param attendance told who enters and leaves each live meeting (attendance reports) */
    public CallingService(CallingConfig config, CallerAuthenticator authenticator, MeetingDirectory directory,
                          ChatHistoryStore chat, MediaHost media, Clock clock, ScheduledExecutorService scheduler,
                          AttendanceLog attendance) {
        this(config, authenticator, directory, chat, media, clock, scheduler, attendance, RateLimits.local(clock));
    }

    /**
     * @param attendance   told who enters and leaves each live meeting (attendance reports)
     * @param passcodeLimits makes the failed-passcode limiters: in this process, or shared by every node of a
     *                       cluster so that spreading guesses over the nodes gains nothing
     */
    public CallingService(CallingConfig config, CallerAuthenticator authenticator, MeetingDirectory directory,
                          ChatHistoryStore chat, MediaHost media, Clock clock, ScheduledExecutorService scheduler,
                          AttendanceLog attendance, RateLimits passcodeLimits) {
        this(config, authenticator, directory, chat, media, clock, scheduler, attendance, passcodeLimits,
                MeetingPlacement.local(), new LocalMeetingRouter());
    }

    /**
     * @param placement which node is each meeting's home: a join is served here only when this node is the
     *                  home (one node: always); otherwise the client is sent to the home ({@code joinElsewhere})
     * @param router    where live meetings are found: chosen once, in the wiring
     */
    public CallingService(CallingConfig config, CallerAuthenticator authenticator, MeetingDirectory directory,
                          ChatHistoryStore chat, MediaHost media, Clock clock, ScheduledExecutorService scheduler,
                          AttendanceLog attendance, RateLimits passcodeLimits, MeetingPlacement placement, MeetingRouter router) {
        this(config, authenticator, directory, chat, media, clock, scheduler, attendance, passcodeLimits, placement, router, null);
    }

    /**
     * @param tickets signs resume tokens that every node of the cluster can check, so that participants of a
     *                meeting whose home died resume on its new home; null: resume only where the meeting lives
     */
    public CallingService(CallingConfig config, CallerAuthenticator authenticator, MeetingDirectory directory,
                          ChatHistoryStore chat, MediaHost media, Clock clock, ScheduledExecutorService scheduler,
                          AttendanceLog attendance, RateLimits passcodeLimits, MeetingPlacement placement, MeetingRouter router,
                          ResumeTickets tickets) {
        this.tickets = tickets;
        this.placement = placement;
        this.router = router;
        for (int i = 0; i < chatIo.length; i++) {
            chatIo[i] = new ChatLane("porta-calling-chat-io-" + i, chat, config.chatHistorySize());
        }
        this.attendance = attendance;
        this.config = config;
        this.authenticator = authenticator;
        this.directory = directory;
        this.chat = chat;
        this.media = media;
        this.clock = clock;
        this.decoder = new ClientMessageDecoder(config.maxFrameChars());
        this.gate = new JoinGate(config, directory, clock, passcodeLimits);
        this.scheduler = scheduler;
        this.rosterWindow = RosterWindow.of(config.rosterWindow());
        this.unjoined = new UnjoinedSockets(config.maxUnjoinedPerAddress());
        this.sweeper = scheduler.scheduleWithFixedDelay(this::sweepInBackground, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * A new WebSocket: returns the session the adapter feeds frames to. A socket must join or resume within
     * {@code calling.join-deadline}, and one address may hold at most {@code calling.max-unjoined-per-address}
     * sockets that have not; beyond that the new socket is refused at once.
     */
    public SignalingSession open(SignalingConnection connection) {
        Duration refill = Duration.ofMillis(Math.max(1, 1000L * config.messageBurst() / config.messagesPerSecond()));
        RateLimiter rate = new RateLimiter(config.messageBurst(), refill, 1, clock);
        UnjoinedSockets.Ticket ticket = unjoined.enter(connection.remoteAddress());
        SignalingSession session = new SignalingSession(connection, this, rate, ticket);
        if (ticket == null) {
            session.refuse(EndReason.TOO_MANY_CONNECTIONS);
        } else {
            session.armJoinDeadline(scheduler, config.joinDeadline());
        }
        return session;
    }

    /** The identity's tokens were revoked or the identity deleted: end its participants everywhere. */
    public void identityRevoked(String identityId) {
        IdentityId revoked = new IdentityId(identityId);
        router.all().forEach(m -> m.identityRevoked(revoked));
    }

    /**
     * The periodic sweep runs on a virtual thread of its own, never on the scheduler's thread: it waits for
     * each meeting (and the SFU sessions it closes), and the scheduler also keeps every socket's join
     * deadline. A sweep still running when the next is due is not doubled.
     */
    private void sweepInBackground() {
        if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("porta-calling-sweep").start(() -> {
                try {
                    sweep();
                } catch (RuntimeException e) {
                    LOG.warn("calling: the sweep failed; it runs again in a second", e);
                } finally {
                    sweeping.set(false);
                }
            });
        }
    }

    /** Ends participants whose resume grace or token ran out; runs every second, callable by tests. */
    public void sweep() {
        var now = clock.instant();
        for (LiveMeeting m : router.all()) {
            try {
                m.sweep(now);
            } catch (RuntimeException e) {
                LOG.warn("calling: sweeping meeting {} failed; retried on the next sweep", m.meetingId(), e);
            }
        }
        for (ChatLane lane : chatIo) {
            lane.retryWaiting(); // chat the database missed, of live meetings and of those that ended meanwhile
        }
        try {
            chat.expire(now);
        } catch (RuntimeException e) {
            // the chat store is a database: a failure must not end the periodic sweep (grace, token expiry); while
            // the database is gone this comes every second, so without the stack trace
            if (dev.porta.common.Database.unreachable(e)) {
                LOG.warn("calling: expiring ended meetings' chat failed, the database cannot be reached ({}); retried on the next sweep",
                        e.toString());
            } else {
                LOG.warn("calling: expiring ended meetings' chat failed; retried on the next sweep", e);
            }
        }
    }

    /** Ends every live meeting with {@link EndReason#SERVER_SHUTDOWN} (clients may rejoin) and stops the sweep. */
    public void shutdown() {
        shuttingDown = true;
        sweeper.cancel(false);
        router.all().forEach(m -> m.endForEveryone(EndReason.SERVER_SHUTDOWN));
    }

    @Override
    public void close() {
        shutdown();
    }

    // ---- stats ----

    @Override
    public NodeStats node() {
        int participants = 0;
        int lobby = 0;
        List<MeetingStats> all = meetings();
        for (MeetingStats s : all) {
            participants += s.participants();
            lobby += s.lobby();
        }
        return new NodeStats(all.size(), participants, lobby, counters.joins(), counters.endsByReason());
    }

    @Override
    public List<MeetingStats> meetings() {
        List<MeetingStats> out = new ArrayList<>();
        router.all().forEach(m -> out.add(m.stats()));
        return out;
    }

    /** Requests from clients waiting for their meetings' actors right now, across this node's meetings. */
    public int waitingRequests() {
        return router.all().stream().mapToInt(LiveMeeting::waitingRequests).sum();
    }

    /** Requests refused because their meeting had {@code calling.meeting-queue} requests waiting already. */
    public long meetingBusyRefusals() {
        return counters.meetingBusyRefusals();
    }

    /** The chat thread of the meeting's live session on this node; empty while nobody is in the meeting. */
    public Optional<dev.porta.calling.live.ThreadChat> threadChat(String meetingId) {
        return router.find(meetingId).map(LiveMeeting::threadChat);
    }

    // ---- for the organization's administrators (the admin API authorized the caller for tenantId) ----

    /** This node's live meetings of {@code tenantId}, with who is in them and in their lobbies. */
    public List<Moderation.AdminView> liveMeetings(String tenantId) {
        List<Moderation.AdminView> out = new ArrayList<>();
        for (LiveMeeting m : router.all()) {
            if (m.tenantId().equals(tenantId)) {
                out.add(m.moderation().adminView());
            }
        }
        return out;
    }

    /** Ends {@code tenantId}'s meeting for everyone; false when it is not live on this node. */
    public boolean endMeeting(String tenantId, String meetingId) {
        Optional<LiveMeeting> m = router.find(meetingId).filter(x -> x.tenantId().equals(tenantId));
        m.ifPresent(x -> x.moderation().endByAdministrator());
        return m.isPresent();
    }

    /** Ends one participant of {@code tenantId}'s live meeting; false when there is no such meeting or participant here. */
    public boolean removeParticipant(String tenantId, String meetingId, String participantId) {
        return router.find(meetingId).filter(x -> x.tenantId().equals(tenantId))
                .map(x -> x.moderation().removeByAdministrator(new ParticipantId(participantId)))
                .orElse(false);
    }

    // ---- called by sessions ----

    void join(SignalingSession session, Join join) {
        if (shuttingDown) {
            session.refuse(EndReason.SERVER_SHUTDOWN);
            return;
        }
        Authentication auth = authenticator.authenticate(join.token());
        if (auth instanceof Authentication.Refused refused) {
            session.refuse(JoinGate.endReasonOf(refused.reason()));
            return;
        }
        Caller caller = ((Authentication.Authenticated) auth).caller();
        JoinGate.Decision d = gate.admit(caller, join, session.remoteAddress(), authRefusalOrNull(caller));
        if (d instanceof JoinGate.Decision.Refused r) {
            session.refuse(r.reason());
            return;
        }
        JoinGate.Decision.Admitted a = (JoinGate.Decision.Admitted) d;
        EndReason federated = federationRefusalOrNull(caller, a.meeting());
        if (federated != null) {
            session.refuse(federated);
            return;
        }
        // After every check (so placement tells nothing to a caller who may not join): is this node the home?
        switch (placement.place(a.meeting().meetingId())) {
            case MeetingPlacement.Home.Here here -> { }
            case MeetingPlacement.Home.Elsewhere home -> {
                session.redirect(callingSocketOf(home.url()));
                return;
            }
            case MeetingPlacement.Home.Unavailable u -> {
                session.refuse(EndReason.MEETING_UNAVAILABLE);
                return;
            }
        }
        while (true) {
            LiveMeeting m = router.liveMeeting(a.meeting().meetingId(), id -> newLiveMeeting(a));
            LiveMeeting.JoinResult result;
            try {
                result = m.join(session, caller, a.displayName(), join.muted(), join.rosterVersion());
            } catch (LiveMeeting.Busy busy) {
                session.refuse(EndReason.MEETING_BUSY);
                return;
            }
            if (result == null) {
                router.closed(m);
                continue;
            }
            switch (result) {
                case LiveMeeting.JoinResult.Refused r -> session.refuse(r.reason());
                case LiveMeeting.JoinResult.Joined j -> session.attach(m, j.participant());
            }
            return;
        }
    }

    void resume(SignalingSession session, Resume resume) {
        Authentication auth = authenticator.authenticate(resume.token());
        if (auth instanceof Authentication.Refused refused) {
            session.refuse(JoinGate.endReasonOf(refused.reason()));
            return;
        }
        Caller caller = ((Authentication.Authenticated) auth).caller();
        LiveMeeting m = router.byResumeToken(resume.resumeToken()).orElse(null);
        if (m == null && tickets != null) {
            rehome(session, resume, caller);
            return;
        }
        Participant p;
        try {
            p = m == null ? null : m.resume(session, resume.resumeToken(), caller, resume.rosterVersion());
        } catch (LiveMeeting.Busy busy) {
            session.refuse(EndReason.MEETING_BUSY); // the place is kept: the client may resume again
            return;
        }
        if (p == null) {
            session.refuse(EndReason.RESUME_FAILED);
            return;
        }
        session.attach(m, p);
    }

    /**
     * A resume token this node does not know: in a cluster, the participant of a meeting whose home died may be
     * coming back. Its ticket must be genuine and unexpired, name the caller's identity and come from another
     * node that is no longer live; then the meeting is placed like a join (this node, or the client is sent to
     * the new home; while the dead home's lease lasts, "unavailable", and the library tries again) and the
     * participant is taken back directly, without a second lobby pass when it had been let in.
     */
    private void rehome(SignalingSession session, Resume resume, Caller caller) {
        ResumeTickets.Ticket ticket = tickets.open(resume.resumeToken(), clock.instant());
        if (ticket == null || !ticket.identity().equals(caller.identity().value())
                || ticket.issuedBy().equals(tickets.nodeId())) {
            LOG.debug("calling: resume token refused: {}", ticket == null ? "not a valid ticket" : "another identity or this node's own");
            session.refuse(EndReason.RESUME_FAILED);
            return;
        }
        EndReason refusal = authRefusalOrNull(caller);
        if (refusal != null) {
            session.refuse(refusal);
            return;
        }
        MeetingDetails meeting = directory.findByMeetingId(ticket.meetingId()).orElse(null);
        if (meeting == null) {
            session.refuse(EndReason.RESUME_FAILED); // the meeting was deleted meanwhile
            return;
        }
        EndReason federated = federationRefusalOrNull(caller, meeting);
        if (federated != null) {
            session.refuse(federated);
            return;
        }
        switch (placement.place(meeting.meetingId())) {
            case MeetingPlacement.Home.Here here -> { }
            case MeetingPlacement.Home.Elsewhere home -> {
                session.redirect(callingSocketOf(home.url()));
                return;
            }
            case MeetingPlacement.Home.Unavailable u -> {
                session.refuse(EndReason.MEETING_UNAVAILABLE);
                return;
            }
        }
        if (placement.isLive(ticket.issuedBy())) {
            // The issuing node still looks live: either its registration outlives its lease by a few
            // milliseconds (they lapse together, give or take a script's run), or it runs and the meeting ended
            // there. Never take the participant in; "try again in a moment" lets the first case through on the
            // next try and the library gives up on the second when its resume grace ends.
            LOG.info("calling: a resume ticket of meeting {} from {} not taken: that node is still registered",
                    meeting.meetingId(), ticket.issuedBy());
            session.refuse(EndReason.MEETING_UNAVAILABLE);
            return;
        }
        while (true) {
            LiveMeeting m = router.liveMeeting(meeting.meetingId(), id -> newLiveMeeting(meeting));
            LiveMeeting.JoinResult result;
            try {
                result = m.rehome(session, ticket, caller, resume.rosterVersion());
            } catch (LiveMeeting.Busy busy) {
                session.refuse(EndReason.MEETING_BUSY);
                return;
            }
            if (result == null) {
                router.closed(m);
                continue;
            }
            switch (result) {
                case LiveMeeting.JoinResult.Refused r -> {
                    LOG.info("calling: resume ticket of meeting {} refused by the live meeting: {}", meeting.meetingId(), r.reason());
                    session.refuse(r.reason());
                }
                case LiveMeeting.JoinResult.Joined j -> {
                    counters.rehomed();
                    session.attach(m, j.participant());
                }
            }
            return;
        }
    }

    /**
     * Meetings this node served whose lease another node holds now (it was cut off from Redis for longer than
     * a lease): their live copies end here, so a meeting never has two homes; participants are told
     * {@link EndReason#MEETING_MOVED} and join again, which sends them to the new home.
     */
    public void meetingsLost(java.util.Set<String> meetingIds) {
        for (String id : meetingIds) {
            router.find(id).ifPresent(m -> {
                LOG.warn("calling: meeting {} is homed on another node now; ending its copy here", id);
                m.endForEveryone(EndReason.MEETING_MOVED);
            });
        }
    }

    ServerMessage updateToken(SignalingSession session, LiveMeeting m, Participant p, UpdateToken u) {
        Authentication auth = authenticator.authenticate(u.token());
        if (auth instanceof Authentication.Refused r) {
            m.cutOff(p, JoinGate.endReasonOf(r.reason()));
            return null;
        }
        Caller caller = ((Authentication.Authenticated) auth).caller();
        if (!m.identityOf(p).equals(caller.identity())) {
            return new ServerMessage.Error(u.id(), ActionError.INVALID_MESSAGE.wire(),
                    "updateToken.token belongs to another identity");
        }
        m.tokenRefreshed(p, caller);
        return new ServerMessage.Ack(u.id(), null);
    }

    CallingConfig config() {
        return config;
    }

    ClientMessageDecoder decoder() {
        return decoder;
    }

    ServerMessageEncoder encoder() {
        return encoder;
    }

    CallingCounters counters() {
        return counters;
    }

    // ---- internals ----

    /** The calling WebSocket of a node whose base URL (https, from the registry) is {@code base}. */
    static java.net.URI callingSocketOf(java.net.URI base) {
        java.net.URI socket = base.resolve(base.getRawPath() == null || base.getRawPath().isEmpty() ? "/calling/v1" : "calling/v1");
        return java.net.URI.create("wss" + socket.toString().substring("https".length()));
    }

    private EndReason authRefusalOrNull(Caller caller) {
        if (caller instanceof Caller.Guest g && !g.mayJoinMeetings()) {
            return EndReason.TOKEN_SCOPE;
        }
        return !caller.expiresAt().isAfter(clock.instant()) ? EndReason.TOKEN_EXPIRED : null;
    }

    /**
     * A member of another tenant is external to the meeting (review M10): the anonymous-join policy that
     * the gate applies to guests applies to them too.
     */
    private static EndReason federationRefusalOrNull(Caller caller, MeetingDetails meeting) {
        if (caller instanceof Caller.Member m && !m.tenantId().equals(meeting.tenantId())) {
            if (!meeting.policy().tenantAllowsAnonymousJoin()) {
                return EndReason.ANONYMOUS_JOIN_DISABLED_BY_TENANT;
            }
            if (!meeting.policy().organizerAllowsAnonymousJoin()) {
                return EndReason.ANONYMOUS_JOIN_DISABLED_BY_ORGANIZER;
            }
        }
        return null;
    }

    private LiveMeeting newLiveMeeting(JoinGate.Decision.Admitted a) {
        return newLiveMeeting(a.meeting());
    }

    private LiveMeeting newLiveMeeting(MeetingDetails details) {
        String id = details.meetingId();
        ChatLane io = chatIo[Math.floorMod(id.hashCode(), chatIo.length)];
        return new LiveMeeting(details, config, clock, media, chat, io, counters, encoder, new LiveMeeting.Registry() {
            @Override
            public void resumeTokenIssued(String token, LiveMeeting meeting) {
                router.resumeTokenIssued(token, meeting);
            }

            @Override
            public void resumeTokenRetired(String token) {
                router.resumeTokenRetired(token);
            }

            @Override
            public void meetingClosed(LiveMeeting meeting) {
                router.closed(meeting);
            }

            @Override
            public ResumeTickets tickets() {
                return tickets;
            }
        }, attendance, rosterWindow);
    }

    /**
     * Who closes the roster batching windows of meetings started from now on: by default a timer of
     * {@code calling.roster-window}; tests close them by hand to count what one window sends.
     */
    public void rosterWindow(RosterWindow window) {
        this.rosterWindow = java.util.Objects.requireNonNull(window);
    }
}
