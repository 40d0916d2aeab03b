// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import dev.porta.media.api.MediaHost;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.forward.MediaContext;
import dev.porta.media.forward.Participant;
import dev.porta.media.forward.PeerTransport;
import dev.porta.media.forward.Room;
import dev.porta.media.ice.MediaLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Porta's selective forwarding unit: one UDP port, one media thread, any number of rooms. This is the
 * {@link MediaHost} the calling service drives.
 *
 * <p>Packet path: UDP → demux by first byte (RFC 7983) → STUN to the ICE-lite responder, everything
 * else by source address to its {@link PeerTransport} → DTLS to the handshake, SRTP/SRTCP unprotected →
 * the publishing participant's up-track → each subscriber's down-track (rewrite, cache, protect) → UDP.
 */
public final class Sfu implements MediaHost, AutoCloseable {
    private final MediaContext ctx;
    private final MediaLoop loop;
    private final Map<MediaRoomId, Room> rooms = new HashMap<>();
    private final Map<String, Participant> sessions = new HashMap<>();
    private volatile int sessionCount;

    public Sfu(MediaConfig config, Clock clock) {
        try {
            this.loop = new MediaLoop(new InetSocketAddress(config.bindAddress(), config.port()), clock::millis, 20);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind media UDP port " + config.port(), e);
        }
        this.ctx = new MediaContext(loop, config, DtlsCertificate.generate(clock.instant()), clock::millis,
                loop.localAddress().getPort());
        ctx.closedHook = this::forget;
        loop.start(this::packet, this::tick);
    }

    /** The UDP port actually bound (differs from the config when it asked for 0). */
    public int port() {
        return ctx.port;
    }

    @Override
    public MediaSession open(MediaRoomId room, MediaParticipantId participant, MediaListener listener) {
        return loop.call(() -> {
            String key = room.value() + "\u0000" + participant.value();
            Participant old = sessions.get(key);
            if (old != null) {
                old.close(); // a rejoin replaces the previous session
            }
            Room r = rooms.computeIfAbsent(room, Room::new);
            Participant p = Participant.open(ctx, r, participant, listener);
            sessions.put(key, p);
            sessionCount = sessions.size();
            return p;
        });
    }

    @Override
    public int sessionCount() {
        return sessionCount;
    }

    /** A snapshot of all counters, taken on the media thread. */
    public MediaStats stats() {
        return loop.call(() -> {
            List<MediaStats.Participant> ps = new ArrayList<>();
            for (Participant p : sessions.values()) {
                ps.add(p.statsSnapshot());
            }
            Map<String, Long> drops = new HashMap<>(ctx.drops);
            drops.put("stun-malformed", ctx.ice.malformed());
            drops.put("stun-unauthorized", ctx.ice.unauthorized());
            drops.put("send-errors", loop.sendErrors());
            drops.put("handler-failures", loop.handlerFailures());
            return new MediaStats(sessions.size(), ctx.packetsIn, ctx.bytesIn, ctx.packetsOut, ctx.bytesOut,
                    Map.copyOf(drops), List.copyOf(ps));
        });
    }

    private void forget(Participant p) {
        sessions.remove(p.room().id().value() + "\u0000" + p.id().value());
        sessionCount = sessions.size();
        if (p.room().isEmpty()) {
            rooms.remove(p.room().id());
        }
    }

    private void packet(byte[] b, int off, int len, InetSocketAddress from) {
        ctx.packetsIn++;
        ctx.bytesIn += len;
        int first = b[off] & 0xFF;
        if (first <= 3) {
            ctx.ice.handle(b, off, len, from, loop::send);
            return;
        }
        PeerTransport t = ctx.byAddress.get(from);
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

    @Override
    public void close() {
        try {
            loop.call(() -> {
                for (Participant p : List.copyOf(sessions.values())) {
                    p.close();
                }
                return null;
            });
        } finally {
            loop.close();
        }
    }
}
