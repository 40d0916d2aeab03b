// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtp;

import dev.porta.media.util.Bytes;

/**
 * An RTP packet (RFC 3550) as a reusable view over bytes it does not own. {@link #wrap} validates the
 * framing, including CSRCs, header extensions (RFC 8285 one-byte and two-byte forms) and padding, and
 * returns false for anything malformed; after a successful wrap no accessor can read out of bounds.
 */
public final class RtpPacket {
    public static final int FIXED_HEADER = 12;
    private static final int ONE_BYTE_PROFILE = 0xBEDE;

    private byte[] buf;
    private int off;
    private int len;
    private int headerLen;
    private int extOff;   // start of extension elements, -1 when none
    private int extLen;   // bytes of extension elements
    private int extProfile;
    private int paddingLen;

    /**
     * Header length (fixed part, CSRCs and extension block) of a possibly encrypted packet, whose last
     * byte is an auth tag rather than a padding count; -1 when the header does not fit.
     */
    public static int headerLength(byte[] b, int o, int l) {
        if (l < FIXED_HEADER || (b[o] & 0xC0) != 0x80) {
            return -1;
        }
        int h = FIXED_HEADER + 4 * (b[o] & 0x0F);
        if ((b[o] & 0x10) != 0) {
            if (h + 4 > l) {
                return -1;
            }
            h += 4 + 4 * Bytes.u16(b, o + h + 2);
        }
        return h > l ? -1 : h;
    }

    /** Points this view at {@code len} bytes; false (and the view unusable) if they are not valid RTP. */
    public boolean wrap(byte[] b, int o, int l) {
        buf = null;
        if (b == null || o < 0 || l < FIXED_HEADER || o + l > b.length || (b[o] & 0xC0) != 0x80) {
            return false;
        }
        int cc = b[o] & 0x0F;
        int h = FIXED_HEADER + 4 * cc;
        int eo = -1;
        int el = 0;
        int prof = 0;
        if ((b[o] & 0x10) != 0) {
            if (h + 4 > l) {
                return false;
            }
            prof = Bytes.u16(b, o + h);
            el = 4 * Bytes.u16(b, o + h + 2);
            eo = o + h + 4;
            h += 4 + el;
        }
        if (h > l) {
            return false;
        }
        int pad = 0;
        if ((b[o] & 0x20) != 0) {
            pad = b[o + l - 1] & 0xFF;
            if (pad == 0 || h + pad > l) {
                return false;
            }
        }
        buf = b;
        off = o;
        len = l;
        headerLen = h;
        extOff = eo;
        extLen = el;
        extProfile = prof;
        paddingLen = pad;
        return true;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    public int sequenceNumber() {
        return Bytes.u16(buf, off + 2);
    }

    public long timestamp() {
        return Bytes.u32(buf, off + 4);
    }

    public long ssrc() {
        return Bytes.u32(buf, off + 8);
    }

    public int headerLength() {
        return headerLen;
    }

    public int payloadOffset() {
        return off + headerLen;
    }

    /** Payload bytes excluding padding. */
    public int payloadLength() {
        return len - headerLen - paddingLen;
    }

    public int paddingLength() {
        return paddingLen;
    }

    public void setSequenceNumber(int seq) {
        Bytes.put16(buf, off + 2, seq);
    }

    public void setTimestamp(long ts) {
        Bytes.put32(buf, off + 4, ts);
    }

    public void setSsrc(long ssrc) {
        Bytes.put32(buf, off + 8, ssrc);
    }

    public void setPayloadType(int pt) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (pt & 0x7F));
    }

    /**
     * Finds header extension {@code id} and returns its value's absolute offset in the low 32 bits and its
     * length in the high 32 bits, or -1 when absent or when the extension block is malformed.
     */
    public long findExtension(int id) {
        if (extOff < 0 || id <= 0) {
            return -1;
        }
        int p = extOff;
        int end = extOff + extLen;
        if (extProfile == ONE_BYTE_PROFILE) {
            while (p < end) {
                int b0 = buf[p] & 0xFF;
                if (b0 == 0) {
                    p++;
                    continue;
                }
                int eid = b0 >> 4;
                if (eid == 15) {
                    return -1;
                }
                int elen = (b0 & 0x0F) + 1;
                if (p + 1 + elen > end) {
                    return -1;
                }
                if (eid == id) {
                    return ((long) elen << 32) | (p + 1);
                }
                p += 1 + elen;
            }
        } else if ((extProfile & 0xFFF0) == 0x1000) {
            while (p < end) {
                int eid = buf[p] & 0xFF;
                if (eid == 0) {
                    p++;
                    continue;
                }
                if (p + 2 > end) {
                    return -1;
                }
                int elen = buf[p + 1] & 0xFF;
                if (p + 2 + elen > end) {
                    return -1;
                }
                if (eid == id) {
                    return ((long) elen << 32) | (p + 2);
                }
                p += 2 + elen;
            }
        }
        return -1;
    }

    /** The extension's bytes as ASCII (mid, rid), or null. */
    public String extensionString(int id) {
        long e = findExtension(id);
        if (e < 0) {
            return null;
        }
        int at = (int) e;
        int l = (int) (e >>> 32);
        return new String(buf, at, l, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The 16-bit transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions), or -1. */
    public int transportSequence(int id) {
        long e = findExtension(id);
        return e < 0 || (e >>> 32) < 2 ? -1 : Bytes.u16(buf, (int) e);
    }

    /**
     * RFC 6464 audio level: returns the level in -dBov (0 loudest, 127 silence) in the low 7 bits and the
     * voice-activity flag in bit 7, or -1 when absent.
     */
    public int audioLevel(int id) {
        long e = findExtension(id);
        // a two-byte-form element may be empty (found by fuzzing): no level then
        return e < 0 || (e >>> 32) < 1 ? -1 : buf[(int) e] & 0xFF;
    }

    @Override
    public String toString() {
        return buf == null ? "RtpPacket[invalid]" : "RtpPacket[pt=" + payloadType() + " seq=" + sequenceNumber()
                + " ts=" + timestamp() + " ssrc=" + ssrc() + " len=" + len + "]";
    }
}
