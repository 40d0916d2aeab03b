// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.stun;

import dev.porta.media.util.Bytes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes one STUN message into a caller-supplied buffer: header, attributes in call order, then
 * optionally MESSAGE-INTEGRITY and FINGERPRINT, which must come last.
 */
public final class StunWriter {
    private final byte[] buf;
    private final int off;
    private int pos;
    private byte padByte;

    public StunWriter(byte[] buf, int off, int type, byte[] transactionId) {
        this.buf = buf;
        this.off = off;
        Bytes.put16(buf, off, type);
        Bytes.put16(buf, off + 2, 0);
        Bytes.put32(buf, off + 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, buf, off + 8, 12);
        this.pos = off + StunMessage.HEADER;
    }

    /** Padding byte for attributes whose length is not a multiple of four (RFC 5769's vectors use 0x20). */
    public StunWriter padWith(byte b) {
        this.padByte = b;
        return this;
    }

    public StunWriter attribute(int type, byte[] value) {
        Bytes.put16(buf, pos, type);
        Bytes.put16(buf, pos + 2, value.length);
        System.arraycopy(value, 0, buf, pos + 4, value.length);
        pos += 4 + value.length;
        while (((pos - off) & 3) != 0) {
            buf[pos++] = padByte;
        }
        return this;
    }

    public StunWriter text(int type, String value) {
        return attribute(type, value.getBytes(StandardCharsets.UTF_8));
    }

    public StunWriter u32(int type, long value) {
        byte[] v = new byte[4];
        Bytes.put32(v, 0, value);
        return attribute(type, v);
    }

    public StunWriter xorMappedAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? 1 : 2);
        Bytes.put16(v, 2, address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        for (int i = 0; i < ip.length; i++) {
            v[4 + i] = (byte) (ip[i] ^ buf[off + 4 + i]);
        }
        return attribute(StunMessage.ATTR_XOR_MAPPED_ADDRESS, v);
    }

    public StunWriter messageIntegrity(byte[] key) {
        int covered = pos - off;
        byte[] mac = StunMessage.hmacSha1(key, buf, off, covered, covered - StunMessage.HEADER + 24);
        return attribute(StunMessage.ATTR_MESSAGE_INTEGRITY, mac);
    }

    /** Appends FINGERPRINT and returns the finished message's length. */
    public int fingerprintAndFinish() {
        int covered = pos - off;
        int crc = StunMessage.crc(buf, off, covered, covered - StunMessage.HEADER + 8);
        byte[] v = new byte[4];
        Bytes.put32(v, 0, crc);
        attribute(StunMessage.ATTR_FINGERPRINT, v);
        return finish();
    }

    /** Writes the final length field and returns the message's total length. */
    public int finish() {
        Bytes.put16(buf, off + 2, pos - off - StunMessage.HEADER);
        return pos - off;
    }
}
