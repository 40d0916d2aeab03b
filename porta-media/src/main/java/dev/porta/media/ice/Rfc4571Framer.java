// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

/**
 * Splits an ICE-TCP byte stream into packets (RFC 4571: each packet preceded by its length as a 16-bit
 * big-endian number). Bounded: it never buffers more than one frame of at most {@code maxFrame} bytes plus
 * its prefix, and a zero or over-long length ends the stream for good (the caller closes the connection;
 * resynchronising inside a stream is impossible). Not thread-safe.
 */
public final class Rfc4571Framer {
    /** Gets each complete frame; the bytes are valid only during the call. */
    public interface Sink {
        void frame(byte[] b, int off, int len);
    }

    private final byte[] buf;
    private final int maxFrame;
    private int have;
    private boolean broken;

    public Rfc4571Framer(int maxFrame) {
        if (maxFrame < 1 || maxFrame > 65535) {
            throw new IllegalArgumentException("maxFrame must be 1..65535");
        }
        this.maxFrame = maxFrame;
        this.buf = new byte[2 + maxFrame];
    }

    /**
     * Feeds bytes read from the stream, handing every completed frame to {@code sink}; false once the stream
     * has broken the framing (then nothing more is accepted).
     */
    public boolean feed(byte[] b, int off, int len, Sink sink) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException();
        }
        while (len > 0 && !broken) {
            int n = Math.min(len, buf.length - have);
            System.arraycopy(b, off, buf, have, n);
            have += n;
            off += n;
            len -= n;
            drain(sink);
        }
        return !broken;
    }

    private void drain(Sink sink) {
        int start = 0;
        while (have - start >= 2) {
            int frame = ((buf[start] & 0xFF) << 8) | (buf[start + 1] & 0xFF);
            if (frame == 0 || frame > maxFrame) {
                broken = true;
                have = 0;
                return;
            }
            if (have - start < 2 + frame) {
                break;
            }
            sink.frame(buf, start + 2, frame);
            start += 2 + frame;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, have - start);
            have -= start;
        }
    }

    /** Bytes of an incomplete frame held. */
    public int buffered() {
        return have;
    }

    public boolean broken() {
        return broken;
    }

    /** Writes the 2-byte length prefix of a {@code len}-byte frame at {@code off}. */
    public static void prefix(byte[] b, int off, int len) {
        b[off] = (byte) (len >>> 8);
        b[off + 1] = (byte) len;
    }
}
