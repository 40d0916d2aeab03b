// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What one browser's fake camera and microphone send: a solid colour and a pure tone, so a receiver
 * can tell by looking and listening whose media it got.
 */
public enum Participant {
    RED(81, 90, 240, 440, 0),
    BLUE(41, 240, 110, 1000, 2),
    GREEN(145, 54, 34, 700, 1);

    private final int y;
    private final int u;
    private final int v;
    /** The microphone's tone in Hz. */
    public final int toneHz;
    /** Index (R=0, G=1, B=2) of the channel that dominates this colour once decoded to RGB. */
    public final int channel;

    Participant(int y, int u, int v, int toneHz, int channel) {
        this.y = y;
        this.u = u;
        this.v = v;
        this.toneHz = toneHz;
        this.channel = channel;
    }

    /** A 320x240, 15 fps Y4M of this colour (BT.601 limited range) with a moving white bar, so frames differ. */
    public Path camera(Path dir) throws IOException {
        Path file = dir.resolve(name().toLowerCase() + ".y4m");
        int w = 320;
        int h = 240;
        byte[] luma = new byte[w * h];
        byte[] cb = new byte[w * h / 4];
        byte[] cr = new byte[w * h / 4];
        Arrays.fill(cb, (byte) u);
        Arrays.fill(cr, (byte) v);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("YUV4MPEG2 W" + w + " H" + h + " F15:1 Ip A1:1 C420jpeg\n").getBytes());
            for (int frame = 0; frame < 30; frame++) {
                Arrays.fill(luma, (byte) y);
                int top = frame * 8 % h;
                Arrays.fill(luma, top * w, Math.min(h, top + 8) * w, (byte) 235);
                out.write("FRAME\n".getBytes());
                out.write(luma);
                out.write(cb);
                out.write(cr);
            }
        }
        return file;
    }

    /** Two seconds of this participant's tone: mono, 16-bit, 48 kHz WAV. */
    public Path microphone(Path dir) throws IOException {
        Path file = dir.resolve(name().toLowerCase() + ".wav");
        int rate = 48_000;
        int samples = rate * 2;
        ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) Math.round(12_000 * Math.sin(2 * Math.PI * toneHz * i / rate)));
        }
        Files.write(file, wav.array());
        return file;
    }

    /** Whether a decoded average colour looks like this participant's camera. */
    public boolean looksLike(java.util.List<? extends Number> rgb) {
        int mine = rgb.get(channel).intValue();
        for (int c = 0; c < 3; c++) {
            if (c != channel && rgb.get(c).intValue() > 110) {
                return false;
            }
        }
        return mine > 150;
    }

    /** Whether a measured frequency is this participant's tone. */
    public boolean soundsLike(Number hz) {
        return hz != null && Math.abs(hz.intValue() - toneHz) <= 30;
    }
}
