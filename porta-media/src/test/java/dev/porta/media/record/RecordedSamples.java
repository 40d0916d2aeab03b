// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.RecordedPacket;
import dev.porta.media.api.TrackSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load tester's recorded media (porta-loadtest/make-media.sh: 6 s of a 220 Hz tone with pink noise in
 * Opus, 6 s of ffmpeg's testsrc2 in VP8 at 320x180), read from that module's resources by path (porta-media
 * cannot depend on porta-loadtest), and turned into the RTP a browser would send: VP8 split at 1,100 bytes
 * with RFC 7741 descriptors, one Opus packet per RTP packet, timestamps starting just before they wrap.
 */
public final class RecordedSamples {
    public static final Path MEDIA = Path.of("..", "porta-loadtest", "src", "main", "resources", "dev", "porta", "loadtest", "media");
    public static final Path VIDEO = MEDIA.resolve("video-0.ivf");
    public static final Path AUDIO = MEDIA.resolve("audio.opus.ogg");
    /** RTP timestamps start here, so both tracks wrap past 2^32 in their first seconds. */
    static final long TS_BASE = 0xFFFFFFFFL - 100_000;

    record IvfFrame(long pts90k, byte[] data) { }

    static List<IvfFrame> videoFrames() throws IOException {
        byte[] file = Files.readAllBytes(VIDEO);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long rate = b.getInt(16) & 0xFFFFFFFFL;
        long scale = b.getInt(20) & 0xFFFFFFFFL;
        List<IvfFrame> out = new ArrayList<>();
        int p = b.getShort(6) & 0xFFFF;
        while (p + 12 <= file.length) {
            int size = b.getInt(p);
            long pts = b.getLong(p + 4);
            p += 12;
            byte[] data = java.util.Arrays.copyOfRange(file, p, p + size);
            p += size;
            out.add(new IvfFrame(pts * scale * 90_000 / rate, data));
        }
        return out;
    }

    static List<byte[]> opusPackets() throws IOException {
        byte[] file = Files.readAllBytes(AUDIO);
        List<byte[]> packets = new ArrayList<>();
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        int p = 0;
        while (p + 27 <= file.length) {
            int segs = file[p + 26] & 0xFF;
            int data = p + 27 + segs;
            for (int s = 0; s < segs; s++) {
                int lace = file[p + 27 + s] & 0xFF;
                cur.write(file, data, lace);
                data += lace;
                if (lace < 255) {
                    packets.add(cur.toByteArray());
                    cur.reset();
                }
            }
            p = data;
        }
        return packets.subList(2, packets.size()); // OpusHead, OpusTags
    }

    /** The video as RTP packets from {@code who}, arriving at {@code startMillis} on. */
    public static List<RecordedPacket> videoRtp(MediaParticipantId who, long startMillis) throws IOException {
        List<RecordedPacket> out = new ArrayList<>();
        int seq = 65_000;
        for (IvfFrame f : videoFrames()) {
            long ts = (TS_BASE + f.pts90k()) & 0xFFFFFFFFL;
            for (int off = 0; off < f.data().length; off += 1100) {
                int len = Math.min(1100, f.data().length - off);
                byte[] payload = new byte[len + 1];
                payload[0] = (byte) (off == 0 ? 0x10 : 0x00);
                System.arraycopy(f.data(), off, payload, 1, len);
                boolean last = off + len == f.data().length;
                out.add(new RecordedPacket(who, TrackSource.CAMERA, "vp8", 1111, seq, ts, last, payload,
                        startMillis + f.pts90k() / 90));
                seq = (seq + 1) & 0xFFFF;
            }
        }
        return out;
    }

    /** The audio as RTP packets from {@code who}, arriving at {@code startMillis} on. */
    public static List<RecordedPacket> audioRtp(MediaParticipantId who, long startMillis) throws IOException {
        List<RecordedPacket> out = new ArrayList<>();
        int i = 0;
        for (byte[] opus : opusPackets()) {
            long ts = (TS_BASE + 960L * i) & 0xFFFFFFFFL;
            out.add(new RecordedPacket(who, TrackSource.MICROPHONE, "opus", 2222, i & 0xFFFF, ts, false, opus,
                    startMillis + 20L * i));
            i++;
        }
        return out;
    }

    /** Runs ffprobe on {@code file}: {@code codec_type=codec_name} per stream, then {@code duration=<s>}. */
    public static List<String> probe(Path file) throws IOException, InterruptedException {
        return run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString());
    }

    public static double duration(List<String> probe) {
        return probe.stream().filter(l -> l.startsWith("duration=")).mapToDouble(l -> Double.parseDouble(l.substring(9)))
                .findFirst().orElse(-1);
    }

    /** The mean RGB of the frame at {@code seconds}, scaled to 16x9, as three numbers 0-255. */
    public static double[] meanColour(Path file, double seconds, String crop) throws IOException, InterruptedException {
        Path raw = Files.createTempFile("frame", ".rgb");
        try {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-ss", String.valueOf(seconds), "-i",
                    file.toString(), "-frames:v", "1", "-vf", (crop == null ? "" : crop + ",") + "scale=16:9",
                    "-f", "rawvideo", "-pix_fmt", "rgb24", raw.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg could not decode a frame: " + log);
            }
            byte[] rgb = Files.readAllBytes(raw);
            double[] sum = new double[3];
            for (int i = 0; i + 2 < rgb.length; i += 3) {
                for (int c = 0; c < 3; c++) {
                    sum[c] += rgb[i + c] & 0xFF;
                }
            }
            int n = rgb.length / 3;
            return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    public static boolean ffmpegInstalled() {
        try {
            return new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<String> run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out.lines().toList();
    }
}
