// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Opus packets, as they came in RTP, into an Ogg Opus file (RFC 7845 over RFC 3533) without
 * decoding them: an {@code OpusHead} page, an {@code OpusTags} page, then audio pages of up to
 * {@link #PACKETS_PER_PAGE} packets. Each page's granule position is the 48 kHz sample at the end of its
 * last packet, taken from the RTP timestamp (Opus RTP always counts 48 kHz), so a gap in the stream
 * (silence not sent, lost packets) keeps its place in time.
 */
public final class OggOpusWriter implements AutoCloseable {
    static final int PACKETS_PER_PAGE = 50; // one second of 20 ms packets
    private final OutputStream out;
    private final int serial;
    private final byte[][] pending = new byte[PACKETS_PER_PAGE][];
    private int pendingCount;
    private long pendingGranule;
    private int pageSequence;
    private long firstTimestamp = -1;
    private long lastEnd;
    private long packets;

    /** @param serial the logical stream's serial number (any value; one stream per file) */
    public OggOpusWriter(OutputStream out, int serial, int channels) throws IOException {
        this.out = out;
        this.serial = serial;
        byte[] head = new byte[19];
        System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 8);
        head[8] = 1; // version
        head[9] = (byte) channels;
        // pre-skip 0 (bytes 10-11): the packets come from a live encoder whose first samples are real audio
        le32(head, 12, 48_000); // the input sample rate, informational
        // output gain 0, channel mapping family 0 (mono or stereo)
        page(new byte[][] {head}, 1, 0x02, 0);
        byte[] vendor = "porta".getBytes(StandardCharsets.US_ASCII);
        byte[] tags = new byte[8 + 4 + vendor.length + 4];
        System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, tags, 0, 8);
        le32(tags, 8, vendor.length);
        System.arraycopy(vendor, 0, tags, 12, vendor.length);
        page(new byte[][] {tags}, 1, 0, 0);
    }

    /**
     * Adds one Opus packet (an RTP payload) whose RTP timestamp is {@code rtpTimestamp}. Timestamps wrap
     * at 2^32; a packet older than the last one written is ignored (Ogg granules only go forward).
     */
    public void packet(byte[] opus, long rtpTimestamp) throws IOException {
        if (opus.length == 0 || segments(opus) > 255) {
            return; // a page holds at most 255 lacing values: 65,024 bytes of one packet (254 × 255 + 254)
        }
        if (firstTimestamp < 0) {
            firstTimestamp = rtpTimestamp;
        }
        long start = unwrap(rtpTimestamp);
        if (packets > 0 && start < lastEnd) {
            return; // reordered or repeated: already past it
        }
        long end = start + samples(opus);
        if (pendingCount == PACKETS_PER_PAGE || segments(opus) + pendingSegments() > 255) {
            flush(0);
        }
        pending[pendingCount++] = opus;
        pendingGranule = end;
        lastEnd = end;
        packets++;
    }

    /** Packets written so far. */
    public long packets() {
        return packets;
    }

    /** The 48 kHz sample at the end of the last packet, from the first packet's start. */
    public long endSample() {
        return lastEnd;
    }

    /** Writes the last page, marked end of stream. Does not close the underlying stream's owner's file twice. */
    @Override
    public void close() throws IOException {
        flush(0x04);
        out.close();
    }

    private long unwrap(long ts) {
        long d = (ts - firstTimestamp) & 0xFFFFFFFFL;
        // the distance from the first packet, counted forward and lifted into the same 2^32 epoch as the last one
        long base = lastEnd & ~0xFFFFFFFFL;
        long v = base + d;
        if (v + (1L << 31) < lastEnd) {
            v += 1L << 32;
        }
        return v;
    }

    private void flush(int flags) throws IOException {
        if (pendingCount == 0 && flags == 0) {
            return;
        }
        byte[][] packetsOfPage = new byte[pendingCount][];
        System.arraycopy(pending, 0, packetsOfPage, 0, pendingCount);
        page(packetsOfPage, pendingCount, flags, pendingGranule);
        pendingCount = 0;
    }

    private int pendingSegments() {
        int n = 0;
        for (int i = 0; i < pendingCount; i++) {
            n += segments(pending[i]);
        }
        return n;
    }

    private static int segments(byte[] packet) {
        return packet.length / 255 + 1;
    }

    private void page(byte[][] packetsOfPage, int count, int flags, long granule) throws IOException {
        int segs = 0;
        int body = 0;
        for (int i = 0; i < count; i++) {
            segs += segments(packetsOfPage[i]);
            body += packetsOfPage[i].length;
        }
        byte[] p = new byte[27 + segs + body];
        p[0] = 'O';
        p[1] = 'g';
        p[2] = 'g';
        p[3] = 'S';
        p[5] = (byte) flags;
        le64(p, 6, granule);
        le32(p, 14, serial);
        le32(p, 18, pageSequence++);
        p[26] = (byte) segs;
        int lace = 27;
        int data = 27 + segs;
        for (int i = 0; i < count; i++) {
            byte[] pk = packetsOfPage[i];
            int left = pk.length;
            while (left >= 255) {
                p[lace++] = (byte) 255;
                left -= 255;
            }
            p[lace++] = (byte) left;
            System.arraycopy(pk, 0, p, data, pk.length);
            data += pk.length;
        }
        le32(p, 22, OggCrc.of(p));
        out.write(p);
    }

    /** Samples (at 48 kHz) in an Opus packet, from its TOC byte (RFC 6716 §3.1). */
    static int samples(byte[] packet) {
        int toc = packet[0] & 0xFF;
        int config = toc >> 3;
        int frame;
        if (config < 12) {
            frame = new int[] {480, 960, 1920, 2880}[config & 3]; // SILK: 10, 20, 40, 60 ms
        } else if (config < 16) {
            frame = (config & 1) == 0 ? 480 : 960; // hybrid: 10, 20 ms
        } else {
            frame = new int[] {120, 240, 480, 960}[config & 3]; // CELT: 2.5, 5, 10, 20 ms
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> packet.length > 1 ? packet[1] & 0x3F : 0;
        };
        return frame * frames;
    }

    static void le32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void le64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC field zero. */
    static final class OggCrc {
        private static final int[] TABLE = new int[256];

        static {
            for (int i = 0; i < 256; i++) {
                int r = i << 24;
                for (int k = 0; k < 8; k++) {
                    r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
                }
                TABLE[i] = r;
            }
        }

        static long of(byte[] page) {
            int crc = 0;
            for (byte b : page) {
                crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xFF];
            }
            return crc & 0xFFFFFFFFL;
        }
    }
}
