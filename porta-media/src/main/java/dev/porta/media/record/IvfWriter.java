// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Writes VP8 frames into an IVF file without decoding them: a 32-byte header ("DKIF", codec "VP80", size,
 * a 1/90000 time base so RTP timestamps are used as they are), then per frame a 12-byte header (size,
 * 64-bit timestamp) and the frame. The length in the header is filled in on close. Frame size comes
 * from the first keyframe.
 */
public final class IvfWriter implements AutoCloseable {
    private final FileChannel out;
    private long frames;
    private long firstTimestamp = -1;
    private long lastPts = -1;
    private long epoch;
    private long lastRaw = -1;

    public IvfWriter(FileChannel out) throws IOException {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {'D', 'K', 'I', 'F'}).putShort((short) 0).putShort((short) 32)
                .put(new byte[] {'V', 'P', '8', '0'}).putShort((short) 0).putShort((short) 0)
                .putInt(90_000).putInt(1).putLong(0);
        h.flip();
        write(h);
    }

    /**
     * Adds one whole VP8 frame whose RTP timestamp (90 kHz) is {@code rtpTimestamp}; frames before the
     * first keyframe are skipped (nothing could decode them). A frame not later than the last is ignored.
     */
    public void frame(byte[] vp8, long rtpTimestamp) throws IOException {
        boolean keyframe = vp8.length >= 10 && (vp8[0] & 0x01) == 0;
        if (frames == 0) {
            if (!keyframe) {
                return;
            }
            int width = (vp8[6] & 0xFF | (vp8[7] & 0xFF) << 8) & 0x3FFF;
            int height = (vp8[8] & 0xFF | (vp8[9] & 0xFF) << 8) & 0x3FFF;
            ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) width).putShort((short) height);
            size.flip();
            out.write(size, 12);
            firstTimestamp = rtpTimestamp;
        }
        long pts = unwrap(rtpTimestamp) - firstTimestamp;
        if (pts <= lastPts) {
            return;
        }
        lastPts = pts;
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(vp8.length).putLong(pts);
        h.flip();
        write(h);
        write(ByteBuffer.wrap(vp8));
        frames++;
    }

    public long frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        // bytes 24-31: libvpx calls them the frame count, ffmpeg writes and reads the duration in time-base
        // units there (the last frame's time plus one average frame interval); ffprobe's duration comes from it
        long duration = frames > 1 ? lastPts * frames / (frames - 1) : 0;
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(duration);
        length.flip();
        out.write(length, 24);
        out.close();
    }

    /** RTP timestamps wrap at 2^32: lifted into a growing 64-bit count. */
    private long unwrap(long ts) {
        if (lastRaw >= 0 && ts < lastRaw && lastRaw - ts > (1L << 31)) {
            epoch += 1L << 32;
        }
        lastRaw = ts;
        return epoch + ts;
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
