// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.nimbusds.jwt.SignedJWT;
import dev.porta.calling.CallingConfig;
import dev.porta.calling.CallingService;
import dev.porta.calling.LocalMeetingRouter;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.chat.JdbcChatHistoryStore;
import dev.porta.common.Config;
import dev.porta.common.Database;
import dev.porta.common.ConfigException;
import dev.porta.identity.AccessTokenVerifier;
import dev.porta.identity.IdentityService;
import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.server.calling.AttendanceRecorder;
import dev.porta.server.calling.CallingWebSocket;
import dev.porta.server.calling.MeetingDirectoryAdapter;
import dev.porta.server.calling.PortaCallerAuthenticator;
import dev.porta.server.chat.ChatThreadRoutes;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The live-meeting side wired together: the SFU (porta-media), the calling service (porta-calling)
 * with its adapters onto identity, directory and meetings, its WebSocket endpoint and its metrics.
 */
final class CallingWiring implements AutoCloseable {
    private final Sfu sfu;
    private final CallingService calling;
    private final ScheduledExecutorService scheduler;
    private final CallingWebSocket socket;
    private final ChatThreadRoutes chatApi;
    private final AttendanceRecorder attendance;
    private final dev.porta.media.record.RecordingRetention recordingRetention;

    CallingWiring(Config config, Database database, Clock clock, AccessTokenVerifier accessTokens, IdentityService identities,
                  MeetingsWiring meetings, MeterRegistry metrics, ClusterWiring cluster,
                  dev.porta.calling.live.ResumeTickets tickets) {
        CallingConfig cc = CallingConfig.from(config);
        int maxQueuedBytes = maxQueuedBytes(config, cc);
        this.sfu = new Sfu(MediaConfig.from(config), dev.porta.media.turn.TurnConfig.from(config), clock);
        // recordings: tracks and the composed file under <data.dir>/recordings (docs/recording.md)
        var recordings = meetings.recordings();
        var composer = new dev.porta.media.record.FfmpegComposer(config.string("recording.ffmpeg"),
                config.duration("recording.compose-timeout"));
        sfu.recordWith((room, listener) -> new dev.porta.media.record.TrackFileRecorder(recordings,
                dev.porta.media.record.RecordingId.random(room.value()), composer, clock,
                new dev.porta.media.record.TrackFileRecorder.Events() {
                    @Override
                    public void completed(dev.porta.media.record.RecordingStore.StoredRecording r) {
                        listener.completed(r.id().value());
                    }

                    @Override
                    public void failed(dev.porta.media.record.RecordingId id, String reason) {
                        listener.failed(reason);
                    }
                }));
        this.recordingRetention = new dev.porta.media.record.RecordingRetention(recordings, recordingRetention(config),
                Duration.ofHours(1), clock);
        var authenticator = new PortaCallerAuthenticator(accessTokens, token -> meetings.tokens().verifyCallingMember(token)
                .map(m -> new Caller.Member(m.tenant().value(), m.memberId().value(), m.displayName(), expiryOf(token, clock))),
                (tenant, member, expiresAt) -> dev.porta.directory.TenantId.parse(tenant)
                        .flatMap(t -> dev.porta.directory.MemberId.parse(member).flatMap(id -> meetings.directory().member(t, id)))
                        .filter(dev.porta.directory.Member::enabled)
                        .map(m -> new Caller.Member(m.tenantId().value(), m.id().value(), m.displayName(), expiresAt)));
        var directory = new MeetingDirectoryAdapter(meetings.lookup(), meetings.meetingStore(), meetings.directory());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("porta-calling-timer").daemon().factory());
        this.attendance = new AttendanceRecorder(meetings.attendance());
        this.calling = new CallingService(cc, authenticator, directory,
                new JdbcChatHistoryStore(database, cc.chatHistorySize(), cc.chatHistoryBytes()), sfu, clock, scheduler,
                attendance, cluster.rateLimits(), cluster.placement(),
                new LocalMeetingRouter(), // live meetings live in this process; placement says which node is each one's home
                tickets);
        // A revocation ends the participation on whichever node holds it (in a cluster, through Redis).
        var revocations = cluster.revocations();
        revocations.subscribe(calling::identityRevoked);
        identities.onRevocation(id -> revocations.publish(id.value()));
        meetings.directory().onMemberRevoked(id -> revocations.publish(id.value())); // disabled or deleted
        this.socket = new CallingWebSocket(calling, cc.maxFrameChars(), maxQueuedBytes, config.duration("calling.idle-timeout"));
        // The ACS Chat API on meeting threads: a thread id names the meeting whose chatInfo.threadId it is.
        this.chatApi = new ChatThreadRoutes(calling, authenticator,
                threadId -> meetings.meetingStore().findByThreadId(threadId).map(m -> m.id().value()),
                cluster.rateLimits().limiter("chat-api", cc.messageBurst(),
                        Duration.ofMillis(Math.max(1, 1000L * cc.messageBurst() / cc.messagesPerSecond())), 100_000));
        this.mediaAddresses = MediaConfig.from(config).candidateAddresses();
        bindMetrics(metrics);
    }

    private final java.util.List<String> mediaAddresses;
    private long lastPackets = -1;
    private long lastPacketsAt;

    /** This node's load and live meetings for the cluster heartbeat (called from its one thread). */
    ClusterWiring.Load load() {
        var node = calling.node();
        long packets = sfu.stats().packetsIn() + sfu.stats().packetsOut();
        long now = System.nanoTime();
        long perSecond = lastPackets < 0 || now == lastPacketsAt ? 0
                : Math.max(0, (packets - lastPackets) * 1_000_000_000L / (now - lastPacketsAt));
        lastPackets = packets;
        lastPacketsAt = now;
        return new ClusterWiring.Load(mediaAddresses, node.liveMeetings(), node.participants() + node.lobby(), perSecond,
                calling.meetings().stream().map(dev.porta.calling.stats.CallingStats.MeetingStats::meetingId).toList());
    }

    /** Whether a meeting is live on this node now. */
    boolean hosts(String meetingId) {
        return calling.meetings().stream().anyMatch(m -> m.meetingId().equals(meetingId));
    }

    /**
     * {@code calling.max-queued-bytes}, checked against the chat history: a joiner receives the whole
     * history at once, so it must fit the slow-consumer budget with room to spare (review M2).
     */
    static int maxQueuedBytes(Config config, CallingConfig cc) {
        int maxQueuedBytes = config.integer("calling.max-queued-bytes", 65_536, 1 << 30);
        if (cc.chatHistoryBytes() > maxQueuedBytes / 2) {
            throw new ConfigException("calling.chat-history-bytes", "must be at most half of calling.max-queued-bytes ("
                    + maxQueuedBytes / 2 + "), got " + cc.chatHistoryBytes());
        }
        return maxQueuedBytes;
    }

    /** recording.retention, checked: 1d to 3650d. */
    static Duration recordingRetention(Config config) {
        Duration d = config.duration("recording.retention");
        if (d.compareTo(dev.porta.media.record.RecordingRetention.MIN) < 0
                || d.compareTo(dev.porta.media.record.RecordingRetention.MAX) > 0) {
            throw new ConfigException("recording.retention", "must be between 1d and 3650d, got " + d);
        }
        return d;
    }

    void register(JavalinDefaultRoutingApi routes) {
        socket.register(routes);
        chatApi.register(routes);
    }

    CallingService calling() {
        return calling;
    }

    AttendanceRecorder attendance() {
        return attendance;
    }

    Sfu sfu() {
        return sfu;
    }

    /** Ends live meetings with a reason clients act on (rejoin), before the sockets go away. */
    void shutdown() {
        calling.shutdown();
    }

    @Override
    public void close() {
        calling.close();
        attendance.close(); // after calling: the meetings it ended are written
        scheduler.shutdownNow();
        recordingRetention.close();
        sfu.close();
    }

    private void bindMetrics(MeterRegistry r) {
        Gauge.builder("porta.calling.meetings", calling, c -> c.node().liveMeetings()).register(r);
        Gauge.builder("porta.calling.participants", calling, c -> c.node().participants()).register(r);
        Gauge.builder("porta.calling.lobby", calling, c -> c.node().lobby()).register(r);
        FunctionCounter.builder("porta.calling.joins", calling, c -> c.node().joins()).register(r);
        FunctionCounter.builder("porta.calling.meeting.busy", calling, CallingService::meetingBusyRefusals).register(r);
        Gauge.builder("porta.media.sessions", sfu, s -> s.sessionCount()).register(r);
        FunctionCounter.builder("porta.media.packets.in", sfu, s -> s.stats().packetsIn()).register(r);
        FunctionCounter.builder("porta.media.packets.out", sfu, s -> s.stats().packetsOut()).register(r);
        FunctionCounter.builder("porta.media.bytes.in", sfu, s -> s.stats().bytesIn()).register(r);
        FunctionCounter.builder("porta.media.bytes.out", sfu, s -> s.stats().bytesOut()).register(r);
        FunctionCounter.builder("porta.media.turn.credentials.issued", sfu, Sfu::turnCredentialsIssued).register(r);
        FunctionCounter.builder("porta.media.ice.restarts", sfu, s -> s.stats().ice().getOrDefault("ice-restarts", 0L)).register(r);
        FunctionCounter.builder("porta.media.consent.failures", sfu, s -> s.stats().ice().getOrDefault("consent-failures", 0L)).register(r);
        for (String transport : java.util.List.of("udp", "tcp", "relay")) {
            Gauge.builder("porta.media.participants", sfu, s -> s.stats().participantsByTransport().get(transport))
                    .tag("transport", transport).register(r);
        }
        // ICE-TCP: connections accepted and open, and each reason one was refused or closed by the SFU
        FunctionCounter.builder("porta.media.tcp.accepted", sfu, s -> s.stats().tcp().getOrDefault("accepted", 0L)).register(r);
        Gauge.builder("porta.media.tcp.open", sfu, s -> s.stats().tcp().getOrDefault("open", 0L)).register(r);
        for (String reason : java.util.List.of("refused-connection-limit", "refused-address-limit", "frame-invalid",
                "unauthenticated", "handshake-timeout", "idle-timeout", "send-overflow", "read-error", "write-error")) {
            FunctionCounter.builder("porta.media.tcp.refused", sfu, s -> s.stats().tcp().getOrDefault(reason, 0L))
                    .tag("reason", reason).register(r);
        }
    }

    /** The expiry of a member token that the directory has already verified. */
    private static Instant expiryOf(String token, Clock clock) {
        try {
            return Optional.ofNullable(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime())
                    .map(java.util.Date::toInstant).orElse(clock.instant().plus(Duration.ofHours(1)));
        } catch (ParseException e) {
            return clock.instant();
        }
    }
}
