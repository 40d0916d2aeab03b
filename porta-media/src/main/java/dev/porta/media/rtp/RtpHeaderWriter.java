// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtp;

import dev.porta.media.util.Bytes;

/**
 * Builds an outgoing RTP header with the SFU's own one-byte header extensions (RFC 8285), so forwarded
 * packets carry the subscriber's extension ids rather than the publisher's.
 */
public final class RtpHeaderWriter {
    private RtpHeaderWriter() { }

    /**
     * Writes a 12-byte header plus an optional one-byte-form extension block with a transport-wide
     * sequence number ({@code tccId} > 0) and an audio level ({@code levelId} > 0, {@code level} >= 0).
     *
     * @return the header length written
     */
    public static int write(byte[] b, int off, boolean marker, int pt, int seq, long ts, long ssrc,
                            int tccId, int tccSeq, int levelId, int level) {
        boolean ext = tccId > 0 || (levelId > 0 && level >= 0);
        b[off] = (byte) (ext ? 0x90 : 0x80);
        b[off + 1] = (byte) ((marker ? 0x80 : 0) | (pt & 0x7F));
        Bytes.put16(b, off + 2, seq);
        Bytes.put32(b, off + 4, ts);
        Bytes.put32(b, off + 8, ssrc);
        if (!ext) {
            return RtpPacket.FIXED_HEADER;
        }
        int p = off + 16;
        if (tccId > 0) {
            b[p++] = (byte) ((tccId << 4) | 1);
            Bytes.put16(b, p, tccSeq);
            p += 2;
        }
        if (levelId > 0 && level >= 0) {
            b[p++] = (byte) (levelId << 4);
            b[p++] = (byte) level;
        }
        while (((p - off - 16) & 3) != 0) {
            b[p++] = 0;
        }
        Bytes.put16(b, off + 12, 0xBEDE);
        Bytes.put16(b, off + 14, (p - off - 16) / 4);
        return p - off;
    }
}
