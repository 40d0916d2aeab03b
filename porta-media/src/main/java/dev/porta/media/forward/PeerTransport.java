// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.dtls.DtlsTransport;
import dev.porta.media.dtls.SrtpKeyMaterial;
import dev.porta.media.ice.IceLiteResponder;
import dev.porta.media.ice.Link;
import dev.porta.media.rtcp.RtcpCompound;
import dev.porta.media.rtcp.TccRecorder;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.srtp.SrtpContext;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * One of a participant's two peer connections as the SFU sees it: ICE-lite credentials and the
 * selected address, the DTLS server, and the SRTP contexts once keys exist. Demultiplexes what arrives
 * on its address (RFC 7983) and protects what leaves.
 */
public final class PeerTransport implements IceLiteResponder.Endpoint, Link.Route {
    enum Role { PUBLISH, SUBSCRIBE }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";

    final MediaContext ctx;
    final Participant owner;
    final Role role;
    volatile String ufrag = random(8);
    volatile String pwd = random(24);
    private volatile byte[] pwdBytes = pwd.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The peer's ICE ufrag from its last SDP; a change means the peer restarted ICE. */
    String remoteUfrag;
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpCompound rtcp = new RtcpCompound();
    /** The selected remote address and the link it is on (a UDP socket or an ICE-TCP connection). */
    volatile InetSocketAddress address;
    volatile Link link;
    /** The selected path's check came from the TURN server's address. */
    boolean relayed;
    volatile String remoteFingerprint;
    DtlsTransport dtls;
    SrtpContext in;
    SrtpContext out;
    long createdMillis;
    long lastCheckMillis;
    boolean connected;
    boolean failed;
    boolean closed;
    final TccRecorder tcc = new TccRecorder();
    int nextTccSeq = 1;
    final BandwidthEstimator bwe;

    PeerTransport(MediaContext ctx, Participant owner, Role role) {
        this.ctx = ctx;
        this.owner = owner;
        this.role = role;
        this.createdMillis = ctx.millis.getAsLong();
        this.bwe = new BandwidthEstimator(ctx.config.startBitrate(), 100_000, ctx.config.maxBitrate());
        ctx.ice.register(ufrag, this);
    }

    static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /**
     * ICE restart (RFC 8445 §9): new local credentials; the old ones stop working at once. The selected
     * address stays until a check with the new credentials nominates another; DTLS and SRTP carry on.
     */
    void restartIce() {
        ctx.count("ice-restarts");
        ctx.ice.unregister(ufrag);
        ufrag = random(8);
        pwd = random(24);
        pwdBytes = pwd.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ctx.ice.register(ufrag, this);
    }

    void expectFingerprint(String fp) {
        remoteFingerprint = fp;
        if (dtls != null) {
            dtls.expectFingerprint(fp);
        }
    }

    @Override
    public byte[] localPassword() {
        return pwdBytes;
    }

    /**
     * A new valid check (the responder has already dropped replayed ones). The first picks the address;
     * after that a nomination from another address moves media (a browser nominates on the path it has
     * just selected, such as after a network change), and a check from another address without one
     * makes it the stand-by path, which SRTP arriving on it moves media to ({@link StandBy}). Consent
     * checks only refresh consent.
     */
    @Override
    public void checked(InetSocketAddress from, Link via, boolean nominated) {
        if (closed) {
            return;
        }
        lastCheckMillis = ctx.millis.getAsLong();
        boolean elsewhere = address != null && !(from.equals(address) && via == link);
        if (elsewhere && !nominated && connected) {
            standBy(from, via);
            return;
        }
        if (address == null || (nominated && elsewhere)) {
            dropStandBy();
            // checks relayed by the TURN server come from its address (a browser's PRIORITY cannot tell:
            // it is always that of a peer-reflexive candidate, RFC 8445 §7.1.1)
            relayed = ctx.relayAddresses.contains(from.getAddress());
            if (address != null) {
                link.unroute(address, this);
            }
            boolean moved = address != null;
            // the link first: a DTLS send on another thread reads address, then link
            link = via;
            address = from;
            via.route(from, this);
            startDtls();
            if (moved && connected) {
                owner.pathMoved(this);
            }
        }
    }

    /**
     * A path the browser proved with a valid check (current credentials, a new transaction) but did not
     * nominate: after a network change Chrome sends media on the path it selected seconds before its
     * next check nominates it. SRTP or SRTCP arriving on the stand-by path that authenticates moves media
     * there at once (only the browser has the keys, and the address itself passed MESSAGE-INTEGRITY);
     * anything that fails authentication is dropped and moves nothing. One stand-by path at a time; it goes with the next nomination or a newer one.
     */
    private final class StandBy implements Link.Route {
        final InetSocketAddress from;
        final Link via;

        StandBy(InetSocketAddress from, Link via) {
            this.from = from;
            this.via = via;
        }

        @Override
        public void receiveFromLoop(byte[] b, int off, int len, long nowMillis) {
            int first = b[off] & 0xFF;
            if (first < 128 || first > 191 || in == null || closed || standBy != this) {
                ctx.drop("unknown-address");
                return;
            }
            // the packet must authenticate before media moves: SRTP-shaped bytes from a spoofed source move nothing
            receive(b, off, len, nowMillis, this);
        }

        @Override
        public void linkClosed(Link l) {
            if (standBy == this) {
                standBy = null;
            }
        }
    }

    private StandBy standBy;

    private void standBy(InetSocketAddress from, Link via) {
        if (standBy != null && standBy.from.equals(from) && standBy.via == via) {
            return;
        }
        dropStandBy();
        standBy = new StandBy(from, via);
        via.route(from, standBy);
    }

    private void dropStandBy() {
        if (standBy != null) {
            standBy.via.unroute(standBy.from, standBy);
            standBy = null;
        }
    }

    /** Media moves to the stand-by path (see {@link StandBy}). */
    private void moveTo(InetSocketAddress from, Link via) {
        dropStandBy();
        relayed = ctx.relayAddresses.contains(from.getAddress());
        link.unroute(address, this);
        link = via;
        address = from;
        via.route(from, this);
        owner.pathMoved(this);
    }

    /**
     * The ICE-TCP connection carrying media closed. The path stays selected (sends on it go nowhere) so that
     * consent expiry still fails the transport unless the browser nominates another path in time.
     */
    @Override
    public void linkClosed(Link l) {
        if (l == link) {
            ctx.drop("tcp-path-closed");
        }
    }

    /** "udp", "tcp" or "relay" (through a TURN server): what carries this transport now, or null before a check. */
    String path() {
        Link l = link;
        return address == null || l == null ? null : relayed ? "relay" : l.protocol();
    }

    private void startDtls() {
        if (dtls != null) {
            return;
        }
        dtls = new DtlsTransport(ctx.certificate, (b, o, l) -> {
            InetSocketAddress a = address;
            Link via = link;
            if (a != null && via != null) {
                via.send(b, o, l, a);
            }
        });
        dtls.expectFingerprint(remoteFingerprint);
        dtls.start(keys -> ctx.loop.execute(() -> keysReady(keys)),
                error -> ctx.loop.execute(() -> fail("dtls: " + error)),
                (int) ctx.config.connectTimeout().toMillis());
    }

    private void keysReady(SrtpKeyMaterial keys) {
        if (closed) {
            return;
        }
        in = keys.inbound();
        out = keys.outbound();
        connected = true;
        owner.transportConnected(this);
    }

    void fail(String why) {
        if (!failed && !closed) {
            failed = true;
            owner.transportFailed(this, why);
        }
    }

    /** Entry point for the link's demux; see {@link #receive}. */
    @Override
    public void receiveFromLoop(byte[] b, int off, int len, long nowMillis) {
        receive(b, off, len, nowMillis);
    }

    /** A datagram from the selected address: DTLS, SRTP or SRTCP. */
    void receive(byte[] b, int off, int len, long nowMillis) {
        receive(b, off, len, nowMillis, null);
    }

    /**
     * As {@link #receive(byte[], int, int, long)}; when {@code moving} is the stand-by path the datagram came
     * by, media moves there once it has authenticated, before it is handled.
     */
    private void receive(byte[] b, int off, int len, long nowMillis, StandBy moving) {
        int first = b[off] & 0xFF;
        if (first >= 20 && first <= 63) {
            if (dtls != null) {
                dtls.receive(b, off, len);
            }
            return;
        }
        if (first < 128 || first > 191) {
            ctx.drop("unknown-first-byte");
            return;
        }
        if (in == null) {
            ctx.drop("srtp-before-keys");
            return;
        }
        int pt = b[off + 1] & 0xFF;
        if (pt >= 192 && pt <= 223) {
            int n = in.unprotectRtcp(b, off, len);
            if (n < 0) {
                ctx.drop(n == SrtpContext.REPLAYED ? "srtcp-replay"
                        : n == SrtpContext.STREAM_LIMIT ? "srtcp-stream-limit" : "srtcp-auth");
                return;
            }
            if (moving != null) {
                moveTo(moving.from, moving.via);
            }
            if (!rtcp.wrap(b, off, n)) {
                ctx.drop("rtcp-malformed");
                return;
            }
            owner.onRtcp(this, rtcp, nowMillis);
            return;
        }
        int h = RtpPacket.headerLength(b, off, len);
        if (h < 0) {
            ctx.drop("rtp-malformed");
            return;
        }
        int n = in.unprotectRtp(b, off, len, h);
        if (n < 0) {
            ctx.drop(n == SrtpContext.REPLAYED ? "srtp-replay"
                    : n == SrtpContext.STREAM_LIMIT ? "srtp-stream-limit" : "srtp-auth");
            return;
        }
        if (moving != null) {
            moveTo(moving.from, moving.via);
        }
        if (!rtp.wrap(b, off, n)) {
            ctx.drop("rtp-malformed");
            return;
        }
        owner.onRtp(this, rtp, nowMillis);
    }

    /** Protects and sends an RTP packet built in {@code b} (which needs 16 spare bytes). */
    void sendRtp(byte[] b, int off, int len, int headerLen) {
        InetSocketAddress a = address;
        if (out == null || a == null) {
            return;
        }
        int n = out.protectRtp(b, off, len, headerLen);
        if (n == SrtpContext.STREAM_LIMIT) {
            ctx.drop("srtp-stream-limit"); // a new stream past the bound: dropped, never at a live stream's cost
            return;
        }
        if (n < 0) {
            ctx.drop("srtp-index-reused"); // a duplicate got this far: never encrypt it a second time
            return;
        }
        link.send(b, off, n, a);
        ctx.sent(n);
    }

    void sendRtcp(byte[] b, int off, int len) {
        InetSocketAddress a = address;
        if (out == null || a == null) {
            return;
        }
        int n = out.protectRtcp(b, off, len);
        link.send(b, off, n, a);
        ctx.sent(n);
    }

    void close() {
        closed = true;
        ctx.ice.unregister(ufrag);
        dropStandBy();
        if (address != null) {
            link.unroute(address, this);
        }
        if (dtls != null) {
            dtls.close();
        }
    }
}
