// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the fake camera (solid colour Y4M with a moving bar) and microphone (sine WAV) files. */
final class FakeMedia {
    private FakeMedia() { }

    /** BT.601 limited-range YUV of a solid colour, 320x240 at 15 fps, 30 frames. */
    static Path y4m(Path dir, String name, int y, int u, int v) throws IOException {
        Path p = dir.resolve(name + ".y4m");
        int w = 320;
        int h = 240;
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write(("YUV4MPEG2 W" + w + " H" + h + " F15:1 Ip A1:1 C420jpeg\n").getBytes());
            byte[] yPlane = new byte[w * h];
            byte[] uPlane = new byte[w * h / 4];
            byte[] vPlane = new byte[w * h / 4];
            java.util.Arrays.fill(uPlane, (byte) u);
            java.util.Arrays.fill(vPlane, (byte) v);
            for (int f = 0; f < 30; f++) {
                java.util.Arrays.fill(yPlane, (byte) y);
                int bar = (f * 8) % h;
                for (int row = bar; row < Math.min(h, bar + 8); row++) {
                    java.util.Arrays.fill(yPlane, row * w, row * w + w, (byte) 235);
                }
                out.write("FRAME\n".getBytes());
                out.write(yPlane);
                out.write(uPlane);
                out.write(vPlane);
            }
        }
        return p;
    }

    /** 2 s of a sine at {@code hz}, mono 16-bit 48 kHz. */
    static Path wav(Path dir, String name, int hz) throws IOException {
        Path p = dir.resolve(name + ".wav");
        int rate = 48000;
        int samples = rate * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (12000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        Files.write(p, b.array());
        return p;
    }
}
