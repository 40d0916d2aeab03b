// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import dev.porta.media.api.IceServers;
import dev.porta.media.api.MediaHost;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaRecording;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.Recorder;
import dev.porta.media.api.Recorders;
import dev.porta.media.api.RecordingListener;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.forward.MediaContext;
import dev.porta.media.forward.Participant;
import dev.porta.media.forward.PeerTransport;
import dev.porta.media.forward.RecordingTap;
import dev.porta.media.forward.Room;
import dev.porta.media.ice.Link;
import dev.porta.media.ice.MediaLoop;
import dev.porta.media.turn.TurnConfig;
import dev.porta.media.turn.TurnCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Porta's selective forwarding unit: {@code media.loops} media threads (one by default), each owning
 * one UDP port and the rooms hashed to it, so a room's media never crosses threads. This is the
 * {@link MediaHost} the calling service drives.
 *
 * <p>Packet path: UDP → demux by first byte (RFC 7983) → STUN to the ICE-lite responder, everything
 * else by source address to its {@link PeerTransport} → DTLS to the handshake, SRTP/SRTCP unprotected →
 * the publishing participant's up-track → each subscriber's down-track (rewrite, protect) → UDP.
 */
public final class Sfu implements MediaHost, AutoCloseable {
    private final List<Shard> shards = new ArrayList<>();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final TurnCredentials turn;
    /**
     * Packets waiting for a room's recorder at most; beyond, dropped and counted. 8,192 is about 8 s of a
     * 4-person meeting (50 audio + ~200 video packets a second each): room for a slow disk, not for a stuck one.
     */
    static final int RECORDER_QUEUE = 8192;
    private volatile Recorders recorders;

    /** One media thread, its port, and the rooms that live on it; fields touched only on its thread. */
    private final class Shard {
        final MediaLoop loop;
        final MediaContext ctx;
        final Map<MediaRoomId, Room> rooms = new HashMap<>();
        final Map<String, Participant> sessions = new HashMap<>();
        /** Rooms being recorded, kept here too so a room emptied and opened again stays recorded. */
        final Map<MediaRoomId, RecordingTap> recordings = new HashMap<>();

        Shard(MediaConfig config, Clock clock, DtlsCertificate certificate, int port, int tcpPort,
              java.util.Set<java.net.InetAddress> relays) {
            try {
                MediaLoop.TcpListen tcp = tcpPort < 0 ? null : new MediaLoop.TcpListen(
                        addresses(config.bindAddresses(), tcpPort), config.tcp(), config.consentTimeout().toMillis());
                this.loop = new MediaLoop(addresses(config.bindAddresses(), port), tcp, clock::millis, 20);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the media sockets on port " + port + ": " + e.getMessage(), e);
            }
            this.ctx = new MediaContext(loop, config, certificate, clock::millis, loop.localAddress().getPort(), loop.tcpPort());
            ctx.closedHook = this::forget;
            ctx.relayAddresses = relays;
            loop.start(this::packet, this::tick);
        }

        private void forget(Participant p) {
            if (sessions.remove(key(p.room().id(), p.id())) != null) {
                sessionCount.decrementAndGet();
            }
            if (p.room().isEmpty()) {
                rooms.remove(p.room().id());
            }
        }

        private void packet(byte[] b, int off, int len, InetSocketAddress from, Link via) {
            ctx.packetsIn++;
            ctx.bytesIn += len;
            int first = b[off] & 0xFF;
            if (first <= 3) {
                if (ctx.ice.handle(b, off, len, from, via)) {
                    via.validCheck();
                }
                return;
            }
            Link.Route t = via.route(from);
            if (t == null) {
                ctx.drop("unknown-address");
                return;
            }
            t.receiveFromLoop(b, off, len, ctx.millis.getAsLong());
        }

        private void tick() {
            long now = ctx.millis.getAsLong();
            for (Room r : rooms.values()) {
                r.tickFromLoop(now);
            }
        }
    }

    public Sfu(MediaConfig config, Clock clock) {
        this(config, TurnConfig.off(), clock);
    }

    /** An SFU that also hands out credentials for the TURN relay in {@code turn}. */
    public Sfu(MediaConfig config, TurnConfig turn, Clock clock) {
        this.turn = new TurnCredentials(turn, clock);
        java.util.Set<java.net.InetAddress> relays = turn.relayAddresses();
        DtlsCertificate certificate = DtlsCertificate.generate(clock.instant());
        try {
            for (int i = 0; i < config.loops(); i++) {
                shards.add(new Shard(config, clock, certificate, config.port() == 0 ? 0 : config.port() + i,
                        config.tcpPort() <= 0 ? config.tcpPort() : config.tcpPort() + i, relays));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static List<InetSocketAddress> addresses(List<String> hosts, int port) {
        List<InetSocketAddress> l = new ArrayList<>();
        for (String h : hosts) {
            l.add(new InetSocketAddress(h, port));
        }
        return l;
    }

    private static String key(MediaRoomId room, MediaParticipantId participant) {
        return room.value() + "\u0000" + participant.value();
    }

    /** A room always lives on the same media thread, chosen by its id. */
    private Shard shardOf(MediaRoomId room) {
        return shards.get(Math.floorMod(room.value().hashCode(), shards.size()));
    }

    /** The UDP port of the first media thread (the only one unless {@code media.loops} > 1). */
    public int port() {
        return shards.get(0).ctx.port;
    }

    /** The ICE-TCP port of the first media thread, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        return shards.get(0).ctx.tcpPort;
    }

    @Override
    public MediaSession open(MediaRoomId room, MediaParticipantId participant, MediaListener listener) {
        Shard s = shardOf(room);
        return s.loop.call(() -> {
            String key = key(room, participant);
            Participant old = s.sessions.get(key);
            if (old != null) {
                old.close(); // a rejoin replaces the previous session
            }
            Room r = s.rooms.computeIfAbsent(room, Room::new);
            r.record(s.recordings.get(room));
            Participant p = Participant.open(s.ctx, r, participant, listener);
            s.sessions.put(key, p);
            sessionCount.incrementAndGet();
            return p;
        });
    }

    /** The recorder every {@link #record} uses; until set, recording is refused. Returns this. */
    public Sfu recordWith(Recorders recorders) {
        this.recorders = recorders;
        return this;
    }

    @Override
    public MediaRecording record(MediaRoomId room, RecordingListener listener) {
        Recorders r = recorders;
        if (r == null) {
            throw new UnsupportedOperationException("recording is not configured on this node");
        }
        Shard s = shardOf(room);
        if (s.loop.call(() -> s.recordings.containsKey(room))) {
            // refused before the recorder exists: making one begins a stored recording
            throw alreadyRecorded(room);
        }
        return startRecording(room, r.create(room, listener));
    }

    @Override
    public MediaRecording startRecording(MediaRoomId room, Recorder recorder) {
        Shard s = shardOf(room);
        RecordingTap tap = new RecordingTap(recorder, RECORDER_QUEUE, room.value(), stopped -> s.loop.execute(() -> {
            if (s.recordings.remove(room, stopped)) {
                Room r = s.rooms.get(room);
                if (r != null) {
                    r.record(null);
                }
            }
        }));
        boolean started = s.loop.call(() -> {
            if (s.recordings.containsKey(room)) {
                return false;
            }
            s.recordings.put(room, tap);
            Room r = s.rooms.get(room);
            if (r != null) {
                r.record(tap);
            }
            return true;
        });
        if (!started) {
            throw alreadyRecorded(room); // the tap never started: its recorder is left untouched
        }
        tap.start();
        return tap;
    }

    private static IllegalStateException alreadyRecorded(MediaRoomId room) {
        return new IllegalStateException("room " + room.value() + " is already being recorded");
    }

    @Override
    public IceServers iceServers(MediaParticipantId participant) {
        return turn.issue(participant.value());
    }

    /** TURN credentials handed out since start. */
    public long turnCredentialsIssued() {
        return turn.issued();
    }

    @Override
    public int sessionCount() {
        return sessionCount.get();
    }

    /** A snapshot of all counters, each shard's taken on its own media thread. */
    public MediaStats stats() {
        int sessions = 0;
        long pin = 0;
        long bin = 0;
        long pout = 0;
        long bout = 0;
        Map<String, Long> drops = new HashMap<>();
        Map<String, Long> tcp = new HashMap<>();
        Map<String, Long> ice = new HashMap<>();
        List<MediaStats.Participant> ps = new ArrayList<>();
        for (Shard s : shards) {
            MediaStats one = s.loop.call(() -> {
                List<MediaStats.Participant> list = new ArrayList<>();
                for (Participant p : s.sessions.values()) {
                    list.add(p.statsSnapshot());
                }
                Map<String, Long> d = new HashMap<>(s.ctx.drops);
                d.put("stun-malformed", s.ctx.ice.malformed());
                d.put("stun-unauthorized", s.ctx.ice.unauthorized());
                d.put("stun-replayed", s.ctx.ice.replayed());
                d.put("send-errors", s.loop.sendErrors());
                d.put("handler-failures", s.loop.handlerFailures());
                return new MediaStats(s.sessions.size(), s.ctx.packetsIn, s.ctx.bytesIn, s.ctx.packetsOut,
                        s.ctx.bytesOut, d, list, s.loop.counters(), new HashMap<>(s.ctx.iceEvents));
            });
            sessions += one.sessions();
            pin += one.packetsIn();
            bin += one.bytesIn();
            pout += one.packetsOut();
            bout += one.bytesOut();
            one.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
            one.tcp().forEach((k, v) -> tcp.merge(k, v, Long::sum));
            one.ice().forEach((k, v) -> ice.merge(k, v, Long::sum));
            ps.addAll(one.participants());
        }
        return new MediaStats(sessions, pin, bin, pout, bout, Map.copyOf(drops), List.copyOf(ps), Map.copyOf(tcp),
                Map.copyOf(ice));
    }

    @Override
    public void close() {
        for (Shard s : shards) {
            try {
                // recordings still running finish (their recorders write out and compose on their own threads)
                for (RecordingTap tap : s.loop.call(() -> List.copyOf(s.recordings.values()))) {
                    tap.stop();
                }
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        for (Shard s : shards) {
            try {
                s.loop.call(() -> {
                    for (Participant p : List.copyOf(s.sessions.values())) {
                        p.close();
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                // closing anyway
            } finally {
                s.loop.close();
            }
        }
    }
}
