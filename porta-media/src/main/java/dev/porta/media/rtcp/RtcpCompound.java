// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

import dev.porta.media.util.Bytes;

/**
 * A compound RTCP packet (RFC 3550 §6.1) as a reusable view. {@link #wrap} checks every member's
 * version and length before anything is read, so a lying length drops the whole datagram instead of
 * leaking into a neighbour.
 */
public final class RtcpCompound {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;

    public static final int FMT_NACK = 1;
    public static final int FMT_TCC = 15;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    public static final int FMT_AFB = 15;

    private static final int MAX_PACKETS = 32;
    private final int[] offsets = new int[MAX_PACKETS];
    private final int[] lengths = new int[MAX_PACKETS];
    private byte[] buf;
    private int count;

    /** True if the bytes are a well-formed compound; members past {@value #MAX_PACKETS} make it invalid. */
    public boolean wrap(byte[] b, int off, int len) {
        count = 0;
        buf = null;
        if (b == null || off < 0 || len < 4 || off + len > b.length) {
            return false;
        }
        int p = off;
        int end = off + len;
        while (p < end) {
            if (p + 4 > end || (b[p] & 0xC0) != 0x80 || count == MAX_PACKETS) {
                return false;
            }
            int l = 4 * (Bytes.u16(b, p + 2) + 1);
            if (p + l > end) {
                return false;
            }
            offsets[count] = p;
            lengths[count] = l;
            count++;
            p += l;
        }
        buf = b;
        return true;
    }

    public int count() {
        return count;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public int type(int i) {
        return buf[offsets[i] + 1] & 0xFF;
    }

    /** The five-bit count / feedback message type field. */
    public int fmt(int i) {
        return buf[offsets[i]] & 0x1F;
    }

    /** The first SSRC of the member (the sender's), or -1 when the member is too short to have one. */
    public long senderSsrc(int i) {
        return lengths[i] < 8 ? -1 : Bytes.u32(buf, offsets[i] + 4);
    }

    /** The media source SSRC of a feedback message (RFC 4585), or -1. */
    public long mediaSsrc(int i) {
        return lengths[i] < 12 ? -1 : Bytes.u32(buf, offsets[i] + 8);
    }

    /** True if the first member is an SR or RR, as RFC 3550 requires of a compound (RFC 5506 lifts it). */
    public boolean startsWithReport() {
        return count > 0 && (type(0) == SR || type(0) == RR);
    }
}
