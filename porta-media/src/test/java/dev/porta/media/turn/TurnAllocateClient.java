// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import dev.porta.media.stun.StunWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The smallest TURN client that proves a credential (RFC 8656 §6.2, long-term credentials of RFC 8489
 * §9.2): an Allocate without credentials to learn the realm and nonce, then one with USERNAME, REALM,
 * NONCE and MESSAGE-INTEGRITY keyed with MD5(username:realm:password). Over UDP.
 */
final class TurnAllocateClient implements AutoCloseable {
    static final int ALLOCATE = 0x0003;
    static final int ALLOCATE_SUCCESS = 0x0103;
    static final int ALLOCATE_ERROR = 0x0113;
    private static final int ATTR_REQUESTED_TRANSPORT = 0x0019;
    private static final int ATTR_REALM = 0x0014;
    private static final int ATTR_NONCE = 0x0015;
    private static final int ATTR_XOR_RELAYED_ADDRESS = 0x0016;

    /** What the server answered: success (with a relayed address) or an error code. */
    record Outcome(int type, int errorCode, boolean relayed) {
        boolean allocated() {
            return type == ALLOCATE_SUCCESS && relayed;
        }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;

    TurnAllocateClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(500);
    }

    /** An Allocate without credentials; the answer carries realm and nonce (401), or null when nobody answers. */
    byte[] challenge() throws IOException {
        byte[] b = new byte[512];
        int n = new StunWriter(b, 0, ALLOCATE, txId()).attribute(ATTR_REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                .fingerprintAndFinish();
        return exchange(b, n);
    }

    /** The full Allocate with {@code username}/{@code password}. */
    Outcome allocate(String username, String password) throws IOException {
        byte[] challenge = challenge();
        if (challenge == null) {
            throw new IOException("the TURN server does not answer");
        }
        String realm = text(challenge, ATTR_REALM);
        String nonce = text(challenge, ATTR_NONCE);
        byte[] key;
        try {
            key = MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] b = new byte[1024];
        int n = new StunWriter(b, 0, ALLOCATE, txId()).attribute(ATTR_REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                .text(dev.porta.media.stun.StunMessage.ATTR_USERNAME, username).text(ATTR_REALM, realm).text(ATTR_NONCE, nonce)
                .messageIntegrity(key).fingerprintAndFinish();
        byte[] r = exchange(b, n);
        if (r == null) {
            throw new IOException("no answer to the authenticated Allocate");
        }
        int type = ((r[0] & 0xFF) << 8) | (r[1] & 0xFF);
        int code = -1;
        byte[] err = attribute(r, dev.porta.media.stun.StunMessage.ATTR_ERROR_CODE);
        if (err != null && err.length >= 4) {
            code = (err[2] & 0x7) * 100 + (err[3] & 0xFF);
        }
        return new Outcome(type, code, attribute(r, ATTR_XOR_RELAYED_ADDRESS) != null);
    }

    private byte[] exchange(byte[] b, int n) throws IOException {
        for (int attempt = 0; attempt < 4; attempt++) {
            socket.send(new DatagramPacket(b, n, server));
            try {
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                return Arrays.copyOf(buf, p.getLength());
            } catch (SocketTimeoutException e) {
                // UDP: try again
            }
        }
        return null;
    }

    private static byte[] txId() {
        byte[] tx = new byte[12];
        new java.security.SecureRandom().nextBytes(tx);
        return tx;
    }

    private static String text(byte[] m, int type) {
        byte[] v = attribute(m, type);
        return v == null ? "" : new String(v, StandardCharsets.UTF_8);
    }

    /** The value of the first attribute of {@code type} in a STUN message, or null. */
    static byte[] attribute(byte[] m, int type) {
        int p = 20;
        while (p + 4 <= m.length) {
            int t = ((m[p] & 0xFF) << 8) | (m[p + 1] & 0xFF);
            int l = ((m[p + 2] & 0xFF) << 8) | (m[p + 3] & 0xFF);
            if (p + 4 + l > m.length) {
                return null;
            }
            if (t == type) {
                return Arrays.copyOfRange(m, p + 4, p + 4 + l);
            }
            p += 4 + ((l + 3) & ~3);
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }
}
