// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.dtls.DtlsClient;
import dev.porta.media.dtls.SrtpKeyMaterial;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One synthetic peer connection on its own loopback UDP socket, over ICE-TCP (an active TCP connection
 * to the server's passive candidate, RFC 4571 framing), or through a TURN relay (a UDP allocation on
 * coturn, ChannelData to the server's UDP candidate): an ICE check (controlling, with USE-CANDIDATE) to
 * the server's host candidate, the DTLS client handshake, then SRTP both ways and a consent check every
 * few seconds. What a browser's RTCPeerConnection does on the wire, minus codecs.
 */
public final class PeerConnection implements AutoCloseable {
    private static final boolean DEBUG = System.getenv("PORTA_LOADTEST_DEBUG") != null;
    /** What the socket reader hands on, already decrypted; called on the reader thread. */
    public interface Receiver {
        void rtp(byte[] b, int len, long arrivalNanos);

        void rtcp(byte[] b, int len);
    }

    /** ICE priority of a relay candidate (type preference 0), what browsers' checks from TURN carry. */
    private static final long RELAY_PRIORITY = (0L << 24) | (65535L << 8) | 255;
    private static final Pattern CANDIDATE = Pattern.compile("a=candidate:\\S+ 1 (?i:udp) \\d+ (127\\.0\\.0\\.1) (\\d+) typ host");
    private static final Pattern TCP_CANDIDATE =
            Pattern.compile("a=candidate:\\S+ 1 (?i:tcp) \\d+ (127\\.0\\.0\\.1) (\\d+) typ host tcptype passive");

    /** The UDP socket (to the server, or to the TURN server when relayed), or null over ICE-TCP. */
    private final DatagramSocket socket;
    private final boolean tcp;
    /** The TURN allocation when relayed, else null. */
    private final TurnAllocation turn;
    private volatile java.net.Socket tcpSocket;
    private java.io.OutputStream tcpOut; // guarded by tcpLock
    private final Object tcpLock = new Object();
    private final DtlsClient dtls;
    private final String localUfrag = randomToken(8);
    private final String localPwd = randomToken(24);
    private final BlockingQueue<byte[]> stun = new ArrayBlockingQueue<>(8);
    private final Object sendLock = new Object();
    private final Thread reader;
    private volatile Receiver receiver;
    private volatile InetSocketAddress remote;
    private volatile SrtpContext in;
    private SrtpContext out; // guarded by sendLock: protect keeps per-stream state
    private String remoteUfrag;
    private String remotePwd;
    private volatile boolean closed;
    private volatile long srtpFailures;
    private volatile long relayedPackets;

    public PeerConnection(DtlsCertificate identity, Receiver receiver) throws SocketException {
        this(identity, receiver, false);
    }

    /** Over ICE-TCP when {@code tcp}: the connection opens in {@link #connect}. */
    public PeerConnection(DtlsCertificate identity, Receiver receiver, boolean tcp) throws SocketException {
        this(identity, receiver, tcp ? Transport.TCP : Transport.UDP, null);
    }

    /**
     * Over {@code transport}; {@code relay} is the TURN server and credentials for {@link Transport#RELAY}
     * (the allocation is made in {@link #connect}).
     */
    PeerConnection(DtlsCertificate identity, Receiver receiver, Transport transport, RelayServer relay) throws SocketException {
        this.tcp = transport == Transport.TCP;
        this.dtls = new DtlsClient(identity, DtlsClient.BROWSER_PROFILES);
        this.receiver = receiver;
        if (tcp) {
            this.socket = null;
            this.reader = null;
        } else {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.socket.setReceiveBufferSize(1 << 20);
            this.reader = Thread.ofVirtual().name("peer-reader-" + socket.getLocalPort()).start(this::read);
        }
        if (transport == Transport.RELAY) {
            if (relay == null) {
                throw new IllegalArgumentException("a relayed peer connection needs a TURN server");
            }
            this.turn = new TurnAllocation(socket, relay.address(), relay.username(), relay.password());
        } else {
            this.turn = null;
        }
    }

    /** The candidate line for our offer: the host candidate, or the relayed one (allocated by then). */
    String candidateLine() {
        if (turn != null && turn.relayed() != null) {
            return "a=candidate:2 1 udp " + RELAY_PRIORITY + " " + turn.relayed().getAddress().getHostAddress() + " "
                    + turn.relayed().getPort() + " typ relay raddr 127.0.0.1 rport " + socket.getLocalPort();
        }
        return "a=candidate:1 1 udp 2130706431 127.0.0.1 " + localPort() + " typ host";
    }

    /**
     * For a relayed connection, the TURN allocation now (a browser gathers its relay candidate before the
     * offer goes out); nothing otherwise.
     */
    void gather() throws IOException, InterruptedException {
        if (turn != null && turn.relayed() == null) {
            turn.allocate();
        }
    }

    /** Keeps a TURN allocation, its channel and permission alive (every 2 minutes is plenty: they last 5-10). */
    private long lastTurnRefresh = System.nanoTime();

    public String localUfrag() {
        return localUfrag;
    }

    public String localPwd() {
        return localPwd;
    }

    /** The UDP port (over ICE-TCP the discard port 9, as browsers write for active TCP candidates). */
    public int localPort() {
        return socket != null ? socket.getLocalPort() : 9;
    }

    public boolean connected() {
        return in != null;
    }

    public long srtpFailures() {
        return srtpFailures;
    }

    /** Packets that reached us as ChannelData from the TURN server (0 unless relayed). */
    long relayedPackets() {
        return relayedPackets;
    }

    /**
     * Connects to the transport the server described (its host candidate on 127.0.0.1, ufrag, pwd and
     * fingerprint): ICE check until answered, then the DTLS handshake. Blocks; throws if either fails.
     */
    public void connect(String serverSdp) throws IOException, InterruptedException {
        Matcher c = (tcp ? TCP_CANDIDATE : CANDIDATE).matcher(serverSdp);
        if (!c.find()) {
            throw new IOException("no loopback " + (tcp ? "passive TCP" : "UDP") + " host candidate in the server's SDP");
        }
        remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(c.group(2)));
        if (turn != null) {
            gather();
            turn.bind(remote);
        }
        if (tcp && tcpSocket == null) {
            java.net.Socket s = new java.net.Socket();
            s.setTcpNoDelay(true);
            s.connect(remote, 5000);
            synchronized (tcpLock) {
                tcpOut = new java.io.BufferedOutputStream(s.getOutputStream(), 4096);
            }
            tcpSocket = s;
            Thread.ofVirtual().name("peer-tcp-reader-" + s.getLocalPort()).start(() -> readTcp(s));
        }
        remoteUfrag = Sdp.attribute(serverSdp, "ice-ufrag");
        remotePwd = Sdp.attribute(serverSdp, "ice-pwd");
        String fingerprint = Sdp.attribute(serverSdp, "fingerprint");
        if (remoteUfrag == null || remotePwd == null || fingerprint == null) {
            throw new IOException("server SDP lacks ice-ufrag, ice-pwd or fingerprint");
        }
        fingerprint = fingerprint.substring(fingerprint.indexOf(' ') + 1).trim();
        long iceStart = System.nanoTime();
        StunMessage answer = null;
        for (int attempt = 0; attempt < 10 && answer == null; attempt++) {
            sendCheck(true);
            byte[] r = stun.poll(500, TimeUnit.MILLISECONDS);
            if (r != null) {
                StunMessage m = StunMessage.parse(r, 0, r.length);
                if (m != null && m.type() == StunMessage.BINDING_SUCCESS
                        && m.verifyIntegrity(remotePwd.getBytes(StandardCharsets.US_ASCII))) {
                    answer = m;
                }
            }
        }
        if (answer == null) {
            throw new IOException("no ICE binding response from " + remote);
        }
        long dtlsStart = System.nanoTime();
        SrtpKeyMaterial keys = dtls.handshake(fingerprint, this::send);
        if (DEBUG) {
            System.err.printf("connect %s: ICE %.1f ms, DTLS %.1f ms%n", remote,
                    (dtlsStart - iceStart) / 1e6, (System.nanoTime() - dtlsStart) / 1e6);
        }
        synchronized (sendLock) {
            out = keys.outbound();
        }
        in = keys.inbound();
    }

    /** A consent-freshness check (RFC 7675): without one every few seconds the server drops the transport. */
    public void consentCheck() {
        if (remote != null && !closed) {
            try {
                if (turn != null && System.nanoTime() - lastTurnRefresh > TimeUnit.MINUTES.toNanos(2)) {
                    lastTurnRefresh = System.nanoTime();
                    turn.refresh();
                }
                sendCheck(false);
            } catch (IOException e) {
                // the next check retries; a dead transport shows up as missing media
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void sendCheck(boolean nominate) throws IOException {
        byte[] tx = new byte[12];
        ThreadLocalRandom.current().nextBytes(tx);
        byte[] b = new byte[256];
        StunWriter w = new StunWriter(b, 0, StunMessage.BINDING_REQUEST, tx)
                .text(StunMessage.ATTR_USERNAME, remoteUfrag + ":" + localUfrag)
                .u32(StunMessage.ATTR_PRIORITY, turn != null ? RELAY_PRIORITY : 1853824767L)
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, tx.clone());
        if (nominate) {
            w.attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]);
        }
        int n = w.messageIntegrity(remotePwd.getBytes(StandardCharsets.US_ASCII)).fingerprintAndFinish();
        send(b, 0, n);
    }

    /**
     * Answers a full ICE agent's connectivity check (a browser answers them too; Janus, even as ICE-lite
     * through libnice, fails the transport without answers). Checks with the wrong password are ignored.
     */
    private void answerCheck(StunMessage request, InetSocketAddress from) throws IOException {
        if (!request.verifyIntegrity(localPwd.getBytes(StandardCharsets.US_ASCII))) {
            return;
        }
        byte[] tx = new byte[12];
        request.copyTransactionId(tx, 0);
        byte[] b = new byte[128];
        int n = new StunWriter(b, 0, StunMessage.BINDING_SUCCESS, tx).xorMappedAddress(from)
                .messageIntegrity(localPwd.getBytes(StandardCharsets.US_ASCII)).fingerprintAndFinish();
        if (tcp || turn != null) {
            send(b, 0, n);
        } else {
            socket.send(new DatagramPacket(b, 0, n, from));
        }
    }

    /** Encrypts and sends an RTP packet built in {@code b} (which needs room for the SRTP tag). */
    public boolean sendRtp(byte[] b, int len, int headerLen) throws IOException {
        int n;
        synchronized (sendLock) {
            if (out == null) {
                return false;
            }
            n = out.protectRtp(b, 0, len, headerLen);
        }
        if (n > 0) {
            send(b, 0, n);
        }
        return n > 0;
    }

    /** Encrypts and sends an RTCP compound built in {@code b}. */
    public void sendRtcp(byte[] b, int len) throws IOException {
        int n;
        synchronized (sendLock) {
            if (out == null) {
                return;
            }
            n = out.protectRtcp(b, 0, len);
        }
        if (n > 0) {
            send(b, 0, n);
        }
    }

    private void send(byte[] b, int off, int len) throws IOException {
        InetSocketAddress to = remote;
        if (to == null || closed) {
            return;
        }
        if (turn != null) {
            turn.send(b, off, len);
            return;
        }
        if (!tcp) {
            socket.send(new DatagramPacket(b, off, len, to));
            return;
        }
        synchronized (tcpLock) {
            if (tcpOut != null) {
                // RFC 4571: each packet behind its 16-bit length
                tcpOut.write(len >>> 8);
                tcpOut.write(len);
                tcpOut.write(b, off, len);
                tcpOut.flush();
            }
        }
    }

    private void read() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                int len = p.getLength();
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                if (turn != null) {
                    if (!from.equals(turn.server())) {
                        continue; // a relayed connection hears only its TURN server
                    }
                    int inner = TurnAllocation.unwrapChannelData(buf, len);
                    if (inner < 0) {
                        if ((buf[0] & 0xFF) <= 3) {
                            turn.response(buf, len);
                        }
                        continue;
                    }
                    relayedPackets++;
                    len = inner;
                    from = remote;
                }
                if (!handle(buf, len, from)) {
                    return;
                }
            } catch (IOException e) {
                if (!closed) {
                    srtpFailures++;
                }
                return;
            }
        }
    }

    /** Reads RFC 4571 frames from the ICE-TCP connection until it closes. */
    private void readTcp(java.net.Socket s) {
        byte[] buf = new byte[65535];
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            while (!closed) {
                int len = in.readUnsignedShort();
                in.readFully(buf, 0, len);
                if (!handle(buf, len, remote)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                srtpFailures++;
            }
        }
    }

    /** One received packet, demultiplexed (RFC 7983 by the first byte); false when the peer connection is done. */
    private boolean handle(byte[] buf, int len, InetSocketAddress from) {
        try {
            long now = System.nanoTime();
            int first = buf[0] & 0xFF;
            if (first <= 3) {
                StunMessage m = StunMessage.parse(buf, 0, len);
                if (m != null && m.type() == StunMessage.BINDING_REQUEST) {
                    answerCheck(m, from);
                } else {
                    stun.offer(Arrays.copyOf(buf, len));
                }
            } else if (first >= 20 && first <= 63) {
                dtls.receive(buf, 0, len);
            } else if (first >= 128 && first <= 191 && len >= 12) {
                SrtpContext ctx = in;
                if (ctx == null) {
                    return true;
                }
                int pt = buf[1] & 0xFF;
                if (pt >= 192 && pt <= 223) {
                    int n = ctx.unprotectRtcp(buf, 0, len);
                    if (n > 0) {
                        receiver.rtcp(buf, n);
                    } else {
                        srtpFailures++;
                    }
                } else {
                    int h = RtpPacket.headerLength(buf, 0, len);
                    int n = h > 0 ? ctx.unprotectRtp(buf, 0, len, h) : -1;
                    if (n > 0) {
                        receiver.rtp(buf, n, now);
                    } else {
                        srtpFailures++;
                    }
                }
            }
            return true;
        } catch (IOException e) {
            if (!closed) {
                srtpFailures++;
            }
            return false;
        } catch (RuntimeException e) {
            srtpFailures++; // a malformed packet must not kill the reader
            return true;
        }
    }

    static String randomToken(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        if (socket != null) {
            socket.close();
            reader.interrupt();
        }
        java.net.Socket t = tcpSocket;
        if (t != null) {
            try {
                t.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
