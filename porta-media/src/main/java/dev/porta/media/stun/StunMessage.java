// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.stun;

import dev.porta.media.util.Bytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed STUN message (RFC 5389) as a view over the received bytes. {@link #parse} never throws: a
 * malformed message yields {@code null}, which the caller counts and drops.
 */
public final class StunMessage {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER = 20;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;
    public static final int BINDING_INDICATION = 0x0011;

    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_PRIORITY = 0x0024;
    public static final int ATTR_USE_CANDIDATE = 0x0025;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int ATTR_ICE_CONTROLLED = 0x8029;
    public static final int ATTR_ICE_CONTROLLING = 0x802A;

    static final int FINGERPRINT_XOR = 0x5354554e;

    private final byte[] buf;
    private final int off;
    private final int len;
    private final int type;
    private int integrityAt = -1;
    private int fingerprintAt = -1;

    private StunMessage(byte[] buf, int off, int len, int type) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.type = type;
    }

    /** True if the first byte looks like STUN per RFC 7983 (0..3) and the magic cookie is present. */
    public static boolean looksLikeStun(byte[] b, int off, int len) {
        return len >= HEADER && (b[off] & 0xC0) == 0 && Bytes.i32(b, off + 4) == MAGIC_COOKIE;
    }

    /** Parses and validates framing; returns null for anything malformed or truncated. */
    public static StunMessage parse(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < HEADER || off + len > b.length || !looksLikeStun(b, off, len)) {
            return null;
        }
        int bodyLen = Bytes.u16(b, off + 2);
        if ((bodyLen & 3) != 0 || HEADER + bodyLen != len) {
            return null;
        }
        StunMessage m = new StunMessage(b, off, len, Bytes.u16(b, off));
        int p = off + HEADER;
        int end = off + len;
        while (p < end) {
            if (p + 4 > end) {
                return null;
            }
            int t = Bytes.u16(b, p);
            int l = Bytes.u16(b, p + 2);
            int padded = (l + 3) & ~3;
            if (p + 4 + padded > end) {
                return null;
            }
            if (m.fingerprintAt >= 0) {
                return null; // nothing may follow FINGERPRINT
            }
            if (t == ATTR_MESSAGE_INTEGRITY) {
                if (l != 20 || m.integrityAt >= 0) {
                    return null;
                }
                m.integrityAt = p;
            } else if (t == ATTR_FINGERPRINT) {
                if (l != 4) {
                    return null;
                }
                m.fingerprintAt = p;
            }
            p += 4 + padded;
        }
        return m;
    }

    public int type() {
        return type;
    }

    public int length() {
        return len;
    }

    /** Copies the 12-byte transaction id into {@code dst} at {@code at}. */
    public void copyTransactionId(byte[] dst, int at) {
        System.arraycopy(buf, off + 8, dst, at, 12);
    }

    /**
     * Offset of an attribute, or -1 when absent. The search stops at MESSAGE-INTEGRITY (RFC 5389 §15.4):
     * whatever follows it is not covered by the HMAC, so anyone on the path could have appended it.
     * Only FINGERPRINT may follow, and it is found through {@link #hasFingerprint}.
     */
    private int find(int attrType) {
        int p = off + HEADER;
        int end = off + len;
        while (p + 4 <= end) {
            int t = Bytes.u16(buf, p);
            int l = Bytes.u16(buf, p + 2);
            if (t == attrType) {
                return p;
            }
            if (t == ATTR_MESSAGE_INTEGRITY) {
                return attrType == ATTR_FINGERPRINT ? fingerprintAt : -1;
            }
            p += 4 + ((l + 3) & ~3);
        }
        return -1;
    }

    public boolean has(int attrType) {
        return find(attrType) >= 0;
    }

    public String username() {
        int p = find(ATTR_USERNAME);
        return p < 0 ? null : new String(buf, p + 4, Bytes.u16(buf, p + 2), StandardCharsets.UTF_8);
    }

    public String software() {
        int p = find(ATTR_SOFTWARE);
        return p < 0 ? null : new String(buf, p + 4, Bytes.u16(buf, p + 2), StandardCharsets.UTF_8);
    }

    /** PRIORITY, or -1 when absent or malformed. */
    public long priority() {
        int p = find(ATTR_PRIORITY);
        return p < 0 || Bytes.u16(buf, p + 2) != 4 ? -1 : Bytes.u32(buf, p + 4);
    }

    public boolean useCandidate() {
        return has(ATTR_USE_CANDIDATE);
    }

    public boolean iceControlling() {
        return has(ATTR_ICE_CONTROLLING);
    }

    /** XOR-MAPPED-ADDRESS decoded, or null when absent or malformed. */
    public InetSocketAddress xorMappedAddress() {
        int p = find(ATTR_XOR_MAPPED_ADDRESS);
        if (p < 0) {
            return null;
        }
        int l = Bytes.u16(buf, p + 2);
        int family = Bytes.u8(buf, p + 5);
        int port = Bytes.u16(buf, p + 6) ^ (MAGIC_COOKIE >>> 16);
        byte[] addr;
        if (family == 1 && l == 8) {
            addr = new byte[4];
        } else if (family == 2 && l == 20) {
            addr = new byte[16];
        } else {
            return null;
        }
        for (int i = 0; i < addr.length; i++) {
            // the key is the cookie followed by the transaction id, which is exactly header bytes 4..19
            addr[i] = (byte) (buf[p + 8 + i] ^ buf[off + 4 + i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Checks MESSAGE-INTEGRITY with a short-term key (the ICE password's bytes). */
    public boolean verifyIntegrity(byte[] key) {
        if (integrityAt < 0) {
            return false;
        }
        // The HMAC covers the message up to MESSAGE-INTEGRITY with the length field as if MI were last.
        int coveredLen = integrityAt - off;
        byte[] expect = hmacSha1(key, buf, off, coveredLen, coveredLen - HEADER + 24);
        return MessageDigest.isEqual(expect, java.util.Arrays.copyOfRange(buf, integrityAt + 4, integrityAt + 24));
    }

    public boolean verifyFingerprint() {
        if (fingerprintAt < 0) {
            return false;
        }
        int covered = fingerprintAt - off;
        return crc(buf, off, covered, covered - HEADER + 8) == Bytes.i32(buf, fingerprintAt + 4);
    }

    public boolean hasIntegrity() {
        return integrityAt >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintAt >= 0;
    }

    /** HMAC-SHA1 of {@code len} bytes, with the STUN length field replaced by {@code patchedLength}. */
    static byte[] hmacSha1(byte[] key, byte[] b, int off, int len, int patchedLength) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(b, off, 2);
            mac.update((byte) (patchedLength >>> 8));
            mac.update((byte) patchedLength);
            mac.update(b, off + 4, len - 4);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    static int crc(byte[] b, int off, int len, int patchedLength) {
        CRC32 crc = new CRC32();
        crc.update(b, off, 2);
        crc.update(patchedLength >>> 8);
        crc.update(patchedLength & 0xFF);
        crc.update(b, off + 4, len - 4);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
