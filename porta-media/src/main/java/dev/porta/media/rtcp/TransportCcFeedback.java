// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

import dev.porta.media.util.Bytes;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
 * the receiver's report of which transport sequence numbers arrived and when. The writer always uses
 * two-bit status vector chunks (simple, and never larger than needed by more than a few bytes); the
 * reader understands every chunk form.
 */
public final class TransportCcFeedback {
    /** What a reader reports per packet: arrival time in microseconds on the receiver's clock, or -1. */
    public interface PacketVisitor {
        void packet(int seq, long arrivalMicros);
    }

    private TransportCcFeedback() { }

    /**
     * Writes feedback for {@code count} consecutive sequence numbers from {@code baseSeq}; arrival times in
     * microseconds ({@code arrivals[i]} for {@code baseSeq + i}, -1 for lost). Returns the bytes written, or
     * 0 when a delta does not fit and the caller should split the report.
     */
    public static int write(byte[] b, int off, long sender, long media, int baseSeq, long[] arrivals, int count,
                            int fbCount) {
        long first = -1;
        for (int i = 0; i < count; i++) {
            if (arrivals[i] >= 0) {
                first = arrivals[i];
                break;
            }
        }
        if (first < 0 || count <= 0 || count > 0xFFFF) {
            return 0;
        }
        long refTime = Math.floorDiv(first, 64_000L);
        int p = off + 20;
        int chunks = (count + 6) / 7;
        int deltaAt = p + 2 * chunks;
        int dp = deltaAt;
        long prev = refTime * 64_000L;
        for (int c = 0; c < chunks; c++) {
            int chunk = 0xC000;
            for (int s = 0; s < 7; s++) {
                int i = c * 7 + s;
                int symbol = 0;
                if (i < count && arrivals[i] >= 0) {
                    long delta = Math.floorDiv(arrivals[i] - prev, 250L);
                    if (delta >= 0 && delta <= 255) {
                        symbol = 1;
                        b[dp++] = (byte) delta;
                    } else if (delta >= Short.MIN_VALUE && delta <= Short.MAX_VALUE) {
                        symbol = 2;
                        Bytes.put16(b, dp, (int) delta);
                        dp += 2;
                    } else {
                        return 0;
                    }
                    prev += delta * 250L;
                }
                chunk |= symbol << (2 * (6 - s));
            }
            Bytes.put16(b, p + 2 * c, chunk);
        }
        while (((dp - off) & 3) != 0) {
            b[dp++] = 0;
        }
        int len = dp - off;
        b[off] = (byte) (0x80 | RtcpCompound.FMT_TCC);
        b[off + 1] = (byte) RtcpCompound.RTPFB;
        Bytes.put16(b, off + 2, len / 4 - 1);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, media);
        Bytes.put16(b, off + 12, baseSeq);
        Bytes.put16(b, off + 14, count);
        Bytes.put24(b, off + 16, (int) refTime & 0xFFFFFF);
        b[off + 19] = (byte) fbCount;
        return len;
    }

    /** Reads one feedback member; returns false if it is malformed (then nothing useful was reported). */
    public static boolean read(RtcpCompound c, int i, PacketVisitor visitor) {
        byte[] b = c.buffer();
        int off = c.offset(i);
        int end = off + c.length(i);
        if (c.length(i) < 20) {
            return false;
        }
        int base = Bytes.u16(b, off + 12);
        int count = Bytes.u16(b, off + 14);
        int ref = Bytes.u24(b, off + 16);
        if ((ref & 0x800000) != 0) {
            ref |= 0xFF000000; // signed 24-bit
        }
        // First pass: statuses. At most count symbols; status symbols stored compactly.
        byte[] status = new byte[count];
        int p = off + 20;
        int n = 0;
        while (n < count) {
            if (p + 2 > end) {
                return false;
            }
            int chunk = Bytes.u16(b, p);
            p += 2;
            if ((chunk & 0x8000) == 0) {
                int symbol = (chunk >>> 13) & 3;
                int run = chunk & 0x1FFF;
                for (int k = 0; k < run && n < count; k++) {
                    status[n++] = (byte) symbol;
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int k = 13; k >= 0 && n < count; k--) {
                    status[n++] = (byte) ((chunk >>> k) & 1);
                }
            } else {
                for (int k = 6; k >= 0 && n < count; k--) {
                    status[n++] = (byte) ((chunk >>> (2 * k)) & 3);
                }
            }
        }
        long t = ref * 64_000L;
        for (int k = 0; k < count; k++) {
            int seq = (base + k) & 0xFFFF;
            if (status[k] == 1) {
                if (p + 1 > end) {
                    return false;
                }
                t += (b[p++] & 0xFF) * 250L;
                visitor.packet(seq, t);
            } else if (status[k] == 2) {
                if (p + 2 > end) {
                    return false;
                }
                t += (short) Bytes.u16(b, p) * 250L;
                p += 2;
                visitor.packet(seq, t);
            } else {
                visitor.packet(seq, -1);
            }
        }
        return true;
    }
}
