// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Composes a recording's track files into one MP4 with ffmpeg, run as a process: every audio track mixed
 * into one, every video track in a grid (one tile per track, 640x360 each, columns = ceil(sqrt(n))), each
 * track placed at its start time from the recording's start. Fixed codec arguments (H.264 veryfast
 * CRF 28 at 15 fps, AAC 96 kb/s) so the output plays everywhere Graph clients expect. ffmpeg's output goes to
 * {@code compose.log} in the recording's directory; the process is killed after {@code timeout}.
 */
public final class FfmpegComposer {
    /** A track file and when its first packet arrived, from the recording's start. */
    public record Input(Path file, boolean video, Duration offset) { }

    private final String ffmpeg;
    private final Duration timeout;

    public FfmpegComposer(String ffmpeg, Duration timeout) {
        this.ffmpeg = ffmpeg;
        this.timeout = timeout;
    }

    /** Writes {@code out} from {@code inputs}; throws with ffmpeg's reason when it fails. */
    public void compose(List<Input> inputs, Path out) throws IOException {
        List<String> cmd = command(inputs, out);
        Path log = out.resolveSibling("compose.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("ffmpeg did not finish composing within " + timeout);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ffmpeg composed", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("ffmpeg exited with " + p.exitValue() + ": " + lastLine(log));
        }
    }

    /** The ffmpeg command line for {@code inputs} (no shell: arguments as they are). */
    List<String> command(List<Input> inputs, Path out) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        List<Integer> audio = new ArrayList<>();
        List<Integer> video = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            cmd.addAll(List.of("-itsoffset", seconds(in.offset()), "-i", in.file().toString()));
            (in.video() ? video : audio).add(i);
        }
        StringBuilder f = new StringBuilder();
        if (!audio.isEmpty()) {
            for (int i : audio) {
                f.append('[').append(i).append(":a]");
            }
            f.append("amix=inputs=").append(audio.size()).append(":duration=longest:normalize=0[a]");
        }
        if (!video.isEmpty()) {
            if (f.length() > 0) {
                f.append(';');
            }
            int n = video.size();
            int cols = (int) Math.ceil(Math.sqrt(n));
            for (int k = 0; k < n; k++) {
                f.append('[').append(video.get(k)).append(":v]fps=15,scale=640:360:force_original_aspect_ratio=decrease,")
                        .append("pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1[v").append(k).append("];");
            }
            if (n == 1) {
                f.append("[v0]null[v]");
            } else {
                for (int k = 0; k < n; k++) {
                    f.append("[v").append(k).append(']');
                }
                f.append("xstack=inputs=").append(n).append(":fill=black:layout=");
                for (int k = 0; k < n; k++) {
                    int col = k % cols;
                    int row = k / cols;
                    f.append(k == 0 ? "" : "|").append(col * 640).append('_').append(row * 360);
                }
                f.append("[v]");
            }
        }
        if (f.length() > 0) {
            cmd.addAll(List.of("-filter_complex", f.toString()));
        }
        if (!video.isEmpty()) {
            cmd.addAll(List.of("-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p"));
        }
        if (!audio.isEmpty()) {
            cmd.addAll(List.of("-map", "[a]", "-c:a", "aac", "-b:a", "96k"));
        }
        cmd.addAll(List.of("-movflags", "+faststart", out.toString()));
        return cmd;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, d.toMillis()) / 1000.0);
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
