// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TURN client allocation over UDP (RFC 8656), what a browser's relay candidate is made of: Allocate with
 * long-term credentials (the realm and nonce from the server's 401, key MD5(username:realm:password)),
 * a channel bound to the SFU's address (which also installs the permission), then every packet to the SFU
 * as ChannelData (4-byte header) and back. {@link #refresh} keeps allocation, channel and permission alive
 * on long runs. The owner's socket reader hands TURN responses to {@link #response}.
 */
final class TurnAllocation {
    static final int ALLOCATE = 0x0003;
    static final int REFRESH = 0x0004;
    static final int CHANNEL_BIND = 0x0009;
    private static final int ATTR_CHANNEL_NUMBER = 0x000C;
    private static final int ATTR_LIFETIME = 0x000D;
    private static final int ATTR_XOR_PEER_ADDRESS = 0x0012;
    private static final int ATTR_REALM = 0x0014;
    private static final int ATTR_NONCE = 0x0015;
    private static final int ATTR_XOR_RELAYED_ADDRESS = 0x0016;
    private static final int ATTR_REQUESTED_TRANSPORT = 0x0019;
    private static final int CHANNEL = 0x4000;

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String username;
    private final String password;
    private final BlockingQueue<byte[]> responses = new ArrayBlockingQueue<>(8);
    private String realm = "";
    private String nonce = "";
    private byte[] key;
    private InetSocketAddress relayed;
    private InetSocketAddress peer;

    TurnAllocation(DatagramSocket socket, InetSocketAddress server, String username, String password) {
        this.socket = socket;
        this.server = server;
        this.username = username;
        this.password = password;
    }

    InetSocketAddress server() {
        return server;
    }

    /** The relayed transport address coturn allocated (the SFU sees our packets come from it). */
    InetSocketAddress relayed() {
        return relayed;
    }

    /** A STUN message from the TURN server itself (not relayed data): a response to one of our requests. */
    void response(byte[] b, int len) {
        responses.offer(Arrays.copyOf(b, len));
    }

    /** Allocates a UDP relay; throws with the server's error code when refused (e.g. 401 for bad credentials). */
    void allocate() throws IOException, InterruptedException {
        byte[] first = request(ALLOCATE, false, w -> w.attribute(ATTR_REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
        if (errorCode(first) != 401) {
            throw new IOException("TURN Allocate without credentials: expected a 401 challenge, got " + describe(first));
        }
        realm = text(first, ATTR_REALM);
        nonce = text(first, ATTR_NONCE);
        try {
            key = MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] r = authenticated(ALLOCATE, w -> w.attribute(ATTR_REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
        byte[] addr = attribute(r, ATTR_XOR_RELAYED_ADDRESS);
        if (addr == null) {
            throw new IOException("TURN Allocate answered without a relayed address: " + describe(r));
        }
        relayed = xorAddress(addr);
    }

    /** Binds the channel to {@code sfu}: from now on packets to and from it travel as ChannelData. */
    void bind(InetSocketAddress sfu) throws IOException, InterruptedException {
        this.peer = sfu;
        bindChannel();
    }

    /** Refreshes the allocation (10 min) and the channel with its permission (10 and 5 min). */
    void refresh() throws IOException, InterruptedException {
        authenticated(REFRESH, w -> w.u32(ATTR_LIFETIME, 600));
        if (peer != null) {
            bindChannel();
        }
    }

    private void bindChannel() throws IOException, InterruptedException {
        authenticated(CHANNEL_BIND, w -> w.attribute(ATTR_CHANNEL_NUMBER, new byte[] {(byte) (CHANNEL >>> 8), (byte) CHANNEL, 0, 0})
                .attribute(ATTR_XOR_PEER_ADDRESS, xorEncode(peer)));
    }

    /** Sends {@code len} bytes of {@code b} to the SFU through the channel. */
    void send(byte[] b, int off, int len) throws IOException {
        byte[] d = new byte[4 + len];
        d[0] = (byte) (CHANNEL >>> 8);
        d[1] = (byte) CHANNEL;
        d[2] = (byte) (len >>> 8);
        d[3] = (byte) len;
        System.arraycopy(b, off, d, 4, len);
        socket.send(new DatagramPacket(d, d.length, server));
    }

    /**
     * If {@code b} is ChannelData on our channel, moves its payload to the start of {@code b} and returns
     * its length; otherwise -1.
     */
    static int unwrapChannelData(byte[] b, int len) {
        if (len < 4 || (((b[0] & 0xFF) << 8) | (b[1] & 0xFF)) != CHANNEL) {
            return -1;
        }
        int n = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (n > len - 4) {
            return -1;
        }
        System.arraycopy(b, 4, b, 0, n);
        return n;
    }

    private interface Attributes {
        StunWriter add(StunWriter w);
    }

    /** A request with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY; once more with the new nonce after a 438. */
    private byte[] authenticated(int type, Attributes attributes) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            byte[] r = request(type, true, attributes);
            int code = errorCode(r);
            if (code == 438) { // stale nonce
                nonce = text(r, ATTR_NONCE);
                continue;
            }
            if (code >= 0) {
                throw new IOException("TURN " + name(type) + " refused: " + describe(r));
            }
            return r;
        }
        throw new IOException("TURN " + name(type) + ": nonce stale twice");
    }

    private byte[] request(int type, boolean withCredentials, Attributes attributes) throws IOException, InterruptedException {
        byte[] tx = new byte[12];
        ThreadLocalRandom.current().nextBytes(tx);
        byte[] b = new byte[512];
        StunWriter w = attributes.add(new StunWriter(b, 0, type, tx));
        if (withCredentials) {
            w.text(StunMessage.ATTR_USERNAME, username).text(ATTR_REALM, realm).text(ATTR_NONCE, nonce).messageIntegrity(key);
        }
        int n = w.fingerprintAndFinish();
        responses.clear();
        for (int attempt = 0; attempt < 6; attempt++) {
            socket.send(new DatagramPacket(b, n, server));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250L << Math.min(attempt, 2));
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                byte[] r = responses.poll(left, TimeUnit.NANOSECONDS);
                if (r != null && r.length >= 20 && Arrays.equals(r, 8, 20, tx, 0, 12)) {
                    return r;
                }
            }
        }
        throw new IOException("the TURN server " + server + " does not answer " + name(type));
    }

    private static String name(int type) {
        return switch (type) {
            case ALLOCATE -> "Allocate";
            case REFRESH -> "Refresh";
            case CHANNEL_BIND -> "ChannelBind";
            default -> "0x" + Integer.toHexString(type);
        };
    }

    private static int errorCode(byte[] r) {
        int type = ((r[0] & 0xFF) << 8) | (r[1] & 0xFF);
        if ((type & 0x0110) != 0x0110) {
            return -1;
        }
        byte[] e = attribute(r, StunMessage.ATTR_ERROR_CODE);
        return e == null || e.length < 4 ? 0 : (e[2] & 0x7) * 100 + (e[3] & 0xFF);
    }

    private static String describe(byte[] r) {
        int code = errorCode(r);
        return code < 0 ? "success" : "error " + code + " " + text(r, StunMessage.ATTR_ERROR_CODE).substring(Math.min(4,
                text(r, StunMessage.ATTR_ERROR_CODE).length()));
    }

    private static byte[] xorEncode(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        if (ip.length != 4) {
            throw new IllegalArgumentException("IPv4 only: " + a);
        }
        int port = a.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        int cookie = StunMessage.MAGIC_COOKIE;
        return new byte[] {0, 1, (byte) (port >>> 8), (byte) port,
            (byte) (ip[0] ^ (cookie >>> 24)), (byte) (ip[1] ^ (cookie >>> 16)), (byte) (ip[2] ^ (cookie >>> 8)), (byte) (ip[3] ^ cookie)};
    }

    private static InetSocketAddress xorAddress(byte[] v) throws IOException {
        if (v.length < 8 || v[1] != 1) {
            throw new IOException("TURN relayed address is not IPv4");
        }
        int cookie = StunMessage.MAGIC_COOKIE;
        int port = (((v[2] & 0xFF) << 8) | (v[3] & 0xFF)) ^ (cookie >>> 16);
        byte[] ip = {(byte) (v[4] ^ (cookie >>> 24)), (byte) (v[5] ^ (cookie >>> 16)), (byte) (v[6] ^ (cookie >>> 8)), (byte) (v[7] ^ cookie)};
        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    }

    private static String text(byte[] m, int type) {
        byte[] v = attribute(m, type);
        return v == null ? "" : new String(v, StandardCharsets.UTF_8);
    }

    /** The value of the first attribute of {@code type}, or null. */
    private static byte[] attribute(byte[] m, int type) {
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
}
