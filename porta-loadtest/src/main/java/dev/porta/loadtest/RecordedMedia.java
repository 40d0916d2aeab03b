// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded media every synthetic publisher replays, loaded once and shared read-only: Opus packets
 * from an Ogg file and three VP8 encodings (simulcast layers) from IVF files. Made by
 * {@code porta-loadtest/make-media.sh} with Debian's ffmpeg.
 */
public final class RecordedMedia {
    /** One encoded frame and when it is due, in microseconds from the start of the loop. */
    public record Frame(long atMicros, boolean keyframe, byte[] data) { }

    /** One simulcast layer: its rid, its nominal height, and its frames. */
    public record Layer(String rid, int height, List<Frame> frames) { }

    public static final long AUDIO_FRAME_MICROS = 20_000;

    private final List<byte[]> opus;
    private final List<Layer> layers;
    private final long loopMicros;

    private RecordedMedia(List<byte[]> opus, List<Layer> layers, long loopMicros) {
        this.opus = opus;
        this.layers = layers;
        this.loopMicros = loopMicros;
    }

    /** Loads the files kept in this module's resources. */
    public static RecordedMedia load() {
        List<byte[]> audio = opusPackets(resource("audio.opus.ogg"));
        String[] rids = {"q", "h", "f"};
        int[] heights = {180, 360, 720};
        List<Layer> layers = new ArrayList<>();
        long loop = audio.size() * AUDIO_FRAME_MICROS;
        for (int i = 0; i < 3; i++) {
            List<Frame> frames = ivfFrames(resource("video-" + i + ".ivf"));
            layers.add(new Layer(rids[i], heights[i], frames));
            // the loop is as long as the shortest stream, so that every stream restarts together
            long last = frames.get(frames.size() - 1).atMicros() + 33_333;
            loop = Math.min(loop, last);
        }
        return new RecordedMedia(List.copyOf(audio), List.copyOf(layers), loop);
    }

    public List<byte[]> opus() {
        return opus;
    }

    public List<Layer> layers() {
        return layers;
    }

    public long loopMicros() {
        return loopMicros;
    }

    private static byte[] resource(String name) {
        try (InputStream in = RecordedMedia.class.getResourceAsStream("media/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing media resource " + name + " (run make-media.sh)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * IVF: a 32-byte file header (signature DKIF, frame rate as timebase) then per frame a 12-byte header
     * (size, 64-bit timestamp in timebase units) and the frame.
     */
    static List<Frame> ivfFrames(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 32 || b.getInt(0) != 0x46494B44) { // "DKIF"
            throw new IllegalArgumentException("not an IVF file");
        }
        int headerLength = b.getShort(6) & 0xFFFF;
        long rate = b.getInt(16) & 0xFFFFFFFFL;
        long scale = b.getInt(20) & 0xFFFFFFFFL;
        List<Frame> frames = new ArrayList<>();
        int p = headerLength;
        while (p + 12 <= file.length) {
            int size = b.getInt(p);
            long pts = b.getLong(p + 4);
            p += 12;
            if (size <= 0 || p + size > file.length) {
                break;
            }
            byte[] data = new byte[size];
            System.arraycopy(file, p, data, 0, size);
            p += size;
            boolean keyframe = (data[0] & 0x01) == 0; // VP8 frame tag: P bit clear
            frames.add(new Frame(pts * scale * 1_000_000L / rate, keyframe, data));
        }
        if (frames.isEmpty() || !frames.get(0).keyframe()) {
            throw new IllegalArgumentException("IVF file must start with a keyframe");
        }
        return frames;
    }

    /**
     * Ogg: pages ("OggS", 27-byte header, segment table); a packet is the concatenation of segments up
     * to one shorter than 255 bytes, possibly across pages. The first two packets (OpusHead, OpusTags)
     * are headers, not audio.
     */
    static List<byte[]> opusPackets(byte[] file) {
        List<byte[]> packets = new ArrayList<>();
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        int p = 0;
        while (p + 27 <= file.length) {
            if (file[p] != 'O' || file[p + 1] != 'g' || file[p + 2] != 'g' || file[p + 3] != 'S') {
                throw new IllegalArgumentException("Ogg page expected at " + p);
            }
            int segments = file[p + 26] & 0xFF;
            int data = p + 27 + segments;
            for (int s = 0; s < segments; s++) {
                int lace = file[p + 27 + s] & 0xFF;
                current.write(file, data, lace);
                data += lace;
                if (lace < 255) {
                    packets.add(current.toByteArray());
                    current.reset();
                }
            }
            p = data;
        }
        if (packets.size() < 3 || !new String(packets.get(0), 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("OpusHead")) {
            throw new IllegalArgumentException("not an Ogg Opus file");
        }
        return packets.subList(2, packets.size());
    }
}
