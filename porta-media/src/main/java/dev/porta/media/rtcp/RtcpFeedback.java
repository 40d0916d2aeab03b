// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

import dev.porta.media.util.Bytes;
import java.util.function.IntConsumer;

/** Readers for the feedback and report members of a {@link RtcpCompound}; all bounds-checked. */
public final class RtcpFeedback {
    private RtcpFeedback() { }

    /** Reports each sequence number a generic NACK (RFC 4585 §6.2.1) asks for; returns how many. */
    public static int forEachNacked(RtcpCompound c, int i, IntConsumer seqs) {
        byte[] b = c.buffer();
        int p = c.offset(i) + 12;
        int end = c.offset(i) + c.length(i);
        int n = 0;
        for (; p + 4 <= end; p += 4) {
            int pid = Bytes.u16(b, p);
            int blp = Bytes.u16(b, p + 2);
            seqs.accept(pid);
            n++;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    seqs.accept((pid + bit + 1) & 0xFFFF);
                    n++;
                }
            }
        }
        return n;
    }

    /** Reports each SSRC a FIR (RFC 5104 §4.3.1) asks a keyframe of. */
    public static void forEachFirTarget(RtcpCompound c, int i, java.util.function.LongConsumer ssrcs) {
        byte[] b = c.buffer();
        int end = c.offset(i) + c.length(i);
        for (int p = c.offset(i) + 12; p + 8 <= end; p += 8) {
            ssrcs.accept(Bytes.u32(b, p));
        }
    }

    /** The bitrate of a REMB (draft-alvestrand-rmcat-remb) in bits per second, or -1 if this AFB is not one. */
    public static long rembBitrate(RtcpCompound c, int i) {
        byte[] b = c.buffer();
        int p = c.offset(i);
        if (c.length(i) < 20 || b[p + 12] != 'R' || b[p + 13] != 'E' || b[p + 14] != 'M' || b[p + 15] != 'B') {
            return -1;
        }
        int exp = (b[p + 17] & 0xFC) >>> 2;
        long mantissa = ((b[p + 17] & 0x03L) << 16) | Bytes.u16(b, p + 18);
        return exp > 40 ? Long.MAX_VALUE : mantissa << exp;
    }

    /** SR: the 64-bit NTP timestamp, or 0 if the member is too short. */
    public static long srNtp(RtcpCompound c, int i) {
        return c.length(i) < 28 ? 0 : (Bytes.u32(c.buffer(), c.offset(i) + 8) << 32) | Bytes.u32(c.buffer(), c.offset(i) + 12);
    }

    public static long srRtpTimestamp(RtcpCompound c, int i) {
        return c.length(i) < 28 ? 0 : Bytes.u32(c.buffer(), c.offset(i) + 16);
    }

    public static long srPacketCount(RtcpCompound c, int i) {
        return c.length(i) < 28 ? 0 : Bytes.u32(c.buffer(), c.offset(i) + 20);
    }

    /** Report blocks of an SR or RR: how many fit in the member (never more than its count field says). */
    public static int reportBlockCount(RtcpCompound c, int i) {
        int first = c.type(i) == RtcpCompound.SR ? 28 : 8;
        int fit = Math.max(0, (c.length(i) - first) / 24);
        return Math.min(fit, c.fmt(i));
    }

    /** Absolute offset of report block {@code k}: ssrc(4) fraction(1) lost(3) ext-seq(4) jitter(4) lsr(4) dlsr(4). */
    public static int reportBlockOffset(RtcpCompound c, int i, int k) {
        return c.offset(i) + (c.type(i) == RtcpCompound.SR ? 28 : 8) + 24 * k;
    }
}
