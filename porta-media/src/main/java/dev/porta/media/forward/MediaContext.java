// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.MediaConfig;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.ice.IceLiteResponder;
import dev.porta.media.ice.MediaLoop;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What every room, participant and transport on one media loop shares: the loop (socket and thread),
 * config, DTLS identity, the ICE responder, the address demux table, node counters and the clock.
 * Touched only on the media thread.
 */
public final class MediaContext {
    public final MediaLoop loop;
    public final MediaConfig config;
    public final DtlsCertificate certificate;
    public final IceLiteResponder ice = new IceLiteResponder();
    public final Map<InetSocketAddress, PeerTransport> byAddress = new HashMap<>();
    public final LongSupplier millis;
    public final int port;
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
        this.loop = loop;
        this.config = config;
        this.certificate = certificate;
        this.millis = millis;
        this.port = port;
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
