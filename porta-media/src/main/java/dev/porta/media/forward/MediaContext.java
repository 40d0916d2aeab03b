// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.MediaConfig;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.ice.IceLiteResponder;
import dev.porta.media.ice.MediaLoop;
import dev.porta.media.sdp.IceCandidate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What every room, participant and transport on one media loop shares: the loop (socket and thread),
 * config, DTLS identity, the ICE responder, its candidates, node counters and the clock (each link keeps
 * its own address demux table).
 * Touched only on the media thread.
 */
public final class MediaContext {
    public final MediaLoop loop;
    public final MediaConfig config;
    public final DtlsCertificate certificate;
    public final IceLiteResponder ice = new IceLiteResponder();
    public final LongSupplier millis;
    /** The UDP port, and the ICE-TCP port or -1. */
    public final int port;
    public final int tcpPort;
    /** The TURN server's addresses: a path from one of them is counted as relayed (metrics). */
    public java.util.Set<java.net.InetAddress> relayAddresses = java.util.Set.of();
    /** The candidates every transport on this loop announces. */
    public final List<IceCandidate> candidates;
    /** SSRC the SFU uses as the sender of its own RTCP. */
    public final long rtcpSsrc = 0x504F5254L; // "PORT"
    /** Scratch buffers for building packets; safe because only the media thread uses them. */
    final byte[] scratch = new byte[2048];
    final byte[] rtcpScratch = new byte[2048];

    public long packetsIn;
    public long bytesIn;
    public long packetsOut;
    public long bytesOut;
    public final Map<String, Long> drops = new TreeMap<>();
    /** Told when a participant has closed, so the host can forget it. */
    public java.util.function.Consumer<Participant> closedHook = p -> { };

    public MediaContext(MediaLoop loop, MediaConfig config, DtlsCertificate certificate, LongSupplier millis, int port) {
        this(loop, config, certificate, millis, port, -1);
    }

    public MediaContext(MediaLoop loop, MediaConfig config, DtlsCertificate certificate, LongSupplier millis, int port,
                        int tcpPort) {
        this.loop = loop;
        this.config = config;
        this.certificate = certificate;
        this.millis = millis;
        this.port = port;
        this.tcpPort = tcpPort;
        this.candidates = IceCandidate.of(config.candidateAddresses(), config.publicAddresses(), port, tcpPort);
    }

    /** ICE events (restarts, consent failures) by name. */
    public final Map<String, Long> iceEvents = new TreeMap<>(Map.of("ice-restarts", 0L, "consent-failures", 0L));

    void count(String event) {
        iceEvents.merge(event, 1L, Long::sum);
    }

    /** Counts a dropped packet under {@code reason}; drop reasons are a small fixed set of literals. */
    public void drop(String reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    void sent(int len) {
        packetsOut++;
        bytesOut += len;
    }
}
