// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import dev.porta.media.dtls.SrtpKeyMaterial;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.dtls.DtlsClient;
import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One peer connection played by the test over a loopback UDP socket, or over ICE-TCP (an active TCP
 * connection with RFC 4571 framing): ICE check with USE-CANDIDATE, DTLS client handshake, then SRTP in
 * both directions. What a browser does, minus the codecs.
 */
final class FakePeer implements AutoCloseable {
    /** The UDP socket, or null over ICE-TCP. */
    volatile DatagramSocket socket;
    private final String host;
    private java.net.Socket tcp;
    private java.io.OutputStream tcpOut;
    final DtlsCertificate certificate = DtlsCertificate.generate(java.time.Instant.now());
    final DtlsClient dtls = new DtlsClient(certificate, new int[] {7, 1});
    final BlockingQueue<byte[]> media = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> stun = new LinkedBlockingQueue<>();
    private final Thread reader;
    InetSocketAddress sfu;
    SrtpContext out;
    SrtpContext in;
    private volatile boolean closed;
    /** For benchmarks: count media datagrams instead of queueing them. */
    volatile boolean countOnly;
    final java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();

    FakePeer() throws IOException {
        this("127.0.0.1");
    }

    /** A UDP peer on {@code host} (an IPv4 or IPv6 literal), sending to the SFU's candidate on the same family. */
    FakePeer(String host) throws IOException {
        this.host = host;
        socket = new DatagramSocket(new InetSocketAddress(host, 0));
        socket.setSoTimeout(200);
        reader = Thread.ofPlatform().daemon().start(this::read);
    }

    private FakePeer(String host, boolean tcpMarker) {
        this.host = host;
        this.socket = null;
        this.reader = null;
    }

    /** A peer that speaks ICE-TCP to the SFU's passive candidate on {@code host}; connects at its first check. */
    static FakePeer overTcp(String host) {
        return new FakePeer(host, true);
    }

    /** The local port of the UDP socket or of the TCP connection. */
    int localPort() {
        return socket != null ? socket.getLocalPort() : tcp.getLocalPort();
    }

    private void dispatch(byte[] b) {
        int first = b[0] & 0xFF;
        if (first <= 3) {
            stun.add(b);
        } else if (first >= 20 && first <= 63) {
            dtls.receive(b, 0, b.length);
        } else if (countOnly) {
            counted.incrementAndGet();
        } else {
            media.add(b);
        }
    }

    private void readTcp(java.io.InputStream in) {
        try {
            java.io.DataInputStream d = new java.io.DataInputStream(in);
            while (!closed) {
                int len = d.readUnsignedShort();
                byte[] b = new byte[len];
                d.readFully(b);
                dispatch(b);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Writes raw bytes on the ICE-TCP connection (tests of malformed framing). */
    synchronized void writeRaw(byte[] b) throws IOException {
        tcpOut.write(b);
        tcpOut.flush();
    }

    String fingerprint() {
        return certificate.fingerprint();
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramSocket s = socket;
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                dispatch(Arrays.copyOf(p.getData(), p.getLength()));
            } catch (SocketTimeoutException e) {
                // poll closed
            } catch (IOException e) {
                if (s == socket || closed) {
                    return;
                }
                // moved to a new socket: read that one
            }
        }
    }

    /**
     * The peer's network changes (UDP only): from now on it sends and receives on a new local port, as a
     * browser behind a NAT that picked a new mapping; DTLS and SRTP carry on.
     */
    void moveToNewPort() throws IOException {
        DatagramSocket old = socket;
        DatagramSocket fresh = new DatagramSocket(new InetSocketAddress(host, 0));
        fresh.setSoTimeout(200);
        socket = fresh;
        old.close();
    }

    void send(byte[] b, int off, int len) throws IOException {
        if (socket != null) {
            socket.send(new DatagramPacket(b, off, len, sfu));
            return;
        }
        byte[] framed = new byte[len + 2];
        framed[0] = (byte) (len >>> 8);
        framed[1] = (byte) len;
        System.arraycopy(b, off, framed, 2, len);
        writeRaw(framed);
    }

    /** ICE check to the SFU's candidate; returns the binding response. */
    StunMessage check(int port, String localUfrag, String remoteUfrag, String remotePwd, boolean nominate)
            throws Exception {
        sfu = new InetSocketAddress(host, port);
        if (socket == null && tcp == null) {
            tcp = new java.net.Socket();
            tcp.setTcpNoDelay(true);
            tcp.connect(sfu, 2000);
            tcpOut = tcp.getOutputStream();
            java.io.InputStream in = tcp.getInputStream();
            Thread.ofPlatform().daemon().start(() -> readTcp(in));
        }
        lastCheck = checkBytes(localUfrag, remoteUfrag, remotePwd, nominate);
        send(lastCheck, 0, lastCheck.length);
        byte[] r = stun.poll(2, TimeUnit.SECONDS);
        return r == null ? null : StunMessage.parse(r, 0, r.length);
    }

    /** The bytes of the last check this peer sent, for tests that replay them from elsewhere. */
    volatile byte[] lastCheck;

    /** A browser-like check: new random transaction id, USE-CANDIDATE if nominating, MESSAGE-INTEGRITY, FINGERPRINT. */
    static byte[] checkBytes(String localUfrag, String remoteUfrag, String remotePwd, boolean nominate) {
        byte[] tx = new byte[12];
        new java.util.Random().nextBytes(tx);
        byte[] b = new byte[256];
        StunWriter w = new StunWriter(b, 0, StunMessage.BINDING_REQUEST, tx)
                .text(StunMessage.ATTR_USERNAME, remoteUfrag + ":" + localUfrag)
                .u32(StunMessage.ATTR_PRIORITY, 1853824767L)
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[8]);
        if (nominate) {
            w.attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]);
        }
        int n = w.messageIntegrity(remotePwd.getBytes(StandardCharsets.US_ASCII)).fingerprintAndFinish();
        return Arrays.copyOf(b, n);
    }

    void handshake(String sfuFingerprint) throws IOException {
        SrtpKeyMaterial keys = dtls.handshake(sfuFingerprint, this::send);
        out = keys.outbound();
        in = keys.inbound();
    }

    /** Next SRTP (not SRTCP) packet, decrypted, or null after the timeout. */
    byte[] nextRtp(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            byte[] b = media.poll(50, TimeUnit.MILLISECONDS);
            if (b == null) {
                continue;
            }
            int pt = b[1] & 0xFF;
            if (pt >= 192 && pt <= 223) {
                rtcp.add(b);
                continue;
            }
            int h = dev.porta.media.rtp.RtpPacket.headerLength(b, 0, b.length);
            int n = in.unprotectRtp(b, 0, b.length, h);
            if (n > 0) {
                return Arrays.copyOf(b, n);
            }
        }
        return null;
    }

    final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();

    /** Next SRTCP compound, decrypted, or null. */
    byte[] nextRtcp(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            byte[] b = rtcp.poll();
            if (b == null) {
                b = media.poll(50, TimeUnit.MILLISECONDS);
                if (b == null) {
                    continue;
                }
                int pt = b[1] & 0xFF;
                if (pt < 192 || pt > 223) {
                    continue; // RTP while waiting for RTCP: not needed by these tests
                }
            }
            int n = in.unprotectRtcp(b, 0, b.length);
            if (n > 0) {
                return Arrays.copyOf(b, n);
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        if (socket != null) {
            socket.close();
        }
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
