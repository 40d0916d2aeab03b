// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

import dev.porta.media.util.Bytes;
import java.nio.charset.StandardCharsets;

/** Writes RTCP members into a caller-supplied buffer; each method returns the bytes written. */
public final class RtcpWriter {
    private RtcpWriter() { }

    private static void header(byte[] b, int off, int countOrFmt, int type, int lengthBytes) {
        b[off] = (byte) (0x80 | (countOrFmt & 0x1F));
        b[off + 1] = (byte) type;
        Bytes.put16(b, off + 2, lengthBytes / 4 - 1);
    }

    /** Picture Loss Indication (RFC 4585 §6.3.1). */
    public static int pli(byte[] b, int off, long sender, long media) {
        header(b, off, RtcpCompound.FMT_PLI, RtcpCompound.PSFB, 12);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, media);
        return 12;
    }

    /** Full Intra Request (RFC 5104 §4.3.1) for one SSRC. */
    public static int fir(byte[] b, int off, long sender, long media, int seqNr) {
        header(b, off, RtcpCompound.FMT_FIR, RtcpCompound.PSFB, 20);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, 0);
        Bytes.put32(b, off + 12, media);
        b[off + 16] = (byte) seqNr;
        b[off + 17] = 0;
        b[off + 18] = 0;
        b[off + 19] = 0;
        return 20;
    }

    /** Generic NACK for the given sequence numbers (sorted or not), packed into PID+BLP pairs. */
    public static int nack(byte[] b, int off, long sender, long media, int[] seqs, int n) {
        int p = off + 12;
        int i = 0;
        while (i < n) {
            int pid = seqs[i++];
            int blp = 0;
            while (i < n) {
                int d = (seqs[i] - pid - 1) & 0xFFFF;
                if (d >= 16) {
                    break;
                }
                blp |= 1 << d;
                i++;
            }
            Bytes.put16(b, p, pid);
            Bytes.put16(b, p + 2, blp);
            p += 4;
        }
        int len = p - off;
        header(b, off, RtcpCompound.FMT_NACK, RtcpCompound.RTPFB, len);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, media);
        return len;
    }

    /** Receiver Report with one block (or none when {@code media} is negative). */
    public static int rr(byte[] b, int off, long sender, long media, int fractionLost, int cumulativeLost,
                         long extHighestSeq, long jitter, long lsr, long dlsr) {
        if (media < 0) {
            header(b, off, 0, RtcpCompound.RR, 8);
            Bytes.put32(b, off + 4, sender);
            return 8;
        }
        header(b, off, 1, RtcpCompound.RR, 32);
        Bytes.put32(b, off + 4, sender);
        reportBlock(b, off + 8, media, fractionLost, cumulativeLost, extHighestSeq, jitter, lsr, dlsr);
        return 32;
    }

    static void reportBlock(byte[] b, int p, long media, int fractionLost, int cumulativeLost, long extHighestSeq,
                            long jitter, long lsr, long dlsr) {
        Bytes.put32(b, p, media);
        b[p + 4] = (byte) fractionLost;
        Bytes.put24(b, p + 5, Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost)) & 0xFFFFFF);
        Bytes.put32(b, p + 8, extHighestSeq);
        Bytes.put32(b, p + 12, jitter);
        Bytes.put32(b, p + 16, lsr);
        Bytes.put32(b, p + 20, dlsr);
    }

    /** Sender Report without report blocks. */
    public static int sr(byte[] b, int off, long sender, long ntp, long rtpTs, long packets, long octets) {
        header(b, off, 0, RtcpCompound.SR, 28);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, ntp >>> 32);
        Bytes.put32(b, off + 12, ntp);
        Bytes.put32(b, off + 16, rtpTs);
        Bytes.put32(b, off + 20, packets);
        Bytes.put32(b, off + 24, octets);
        return 28;
    }

    /** SDES with one chunk carrying a CNAME. */
    public static int sdesCname(byte[] b, int off, long ssrc, String cname) {
        byte[] c = cname.getBytes(StandardCharsets.UTF_8);
        int l = Math.min(c.length, 255);
        int chunk = 4 + 2 + l + 1; // item end marker
        int padded = (chunk + 3) & ~3;
        header(b, off, 1, RtcpCompound.SDES, 4 + padded);
        Bytes.put32(b, off + 4, ssrc);
        b[off + 8] = 1;
        b[off + 9] = (byte) l;
        System.arraycopy(c, 0, b, off + 10, l);
        for (int p = off + 10 + l; p < off + 4 + padded; p++) {
            b[p] = 0;
        }
        return 4 + padded;
    }

    /** BYE for one SSRC. */
    public static int bye(byte[] b, int off, long ssrc) {
        header(b, off, 1, RtcpCompound.BYE, 8);
        Bytes.put32(b, off + 4, ssrc);
        return 8;
    }

    /** REMB with one SSRC. */
    public static int remb(byte[] b, int off, long sender, long bitrate, long ssrc) {
        header(b, off, RtcpCompound.FMT_AFB, RtcpCompound.PSFB, 24);
        Bytes.put32(b, off + 4, sender);
        Bytes.put32(b, off + 8, 0);
        b[off + 12] = 'R';
        b[off + 13] = 'E';
        b[off + 14] = 'M';
        b[off + 15] = 'B';
        int exp = 0;
        long m = bitrate;
        while (m > 0x3FFFF) {
            m >>>= 1;
            exp++;
        }
        b[off + 16] = 1;
        b[off + 17] = (byte) ((exp << 2) | (int) (m >>> 16));
        Bytes.put16(b, off + 18, (int) m);
        Bytes.put32(b, off + 20, ssrc);
        return 24;
    }
}
