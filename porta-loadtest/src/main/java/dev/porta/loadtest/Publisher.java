// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.util.Bytes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replays the recorded media as a browser would send it: Opus every 20 ms, and each VP8 simulcast layer
 * frame by frame, packetized per RFC 7741 with the mid and rid header extensions. Each packet ends with a
 * send-time tag (the sender's {@link System#nanoTime()} and a marker) so a subscriber in the same
 * process can measure one-way delay through the server; servers forward payloads untouched.
 * Driven by {@link #tick()} from a shared scheduler every few milliseconds.
 */
final class Publisher {
    /** Where finished RTP packets go (a peer connection encrypts and sends them); true when sent. */
    interface Out {
        boolean sendRtp(byte[] b, int len, int headerLen) throws IOException;
    }

    static final int TAG_LENGTH = 10;
    static final int TAG_MAGIC = 0xD1A7;
    /** Largest RTP payload per packet, as browsers keep packets under a typical path MTU. */
    private static final int MAX_PAYLOAD = 1150;
    /** When the generator falls this far behind (an overloaded machine), it skips ahead instead of bursting. */
    private static final long MAX_LAG_MICROS = 200_000;

    private final RecordedMedia media;
    private final Out pc;
    private final Totals totals;
    private final boolean audio;
    private final boolean video;
    final long audioSsrc;
    final long[] videoSsrcs = new long[3];
    private final int[] videoSeq = new int[3];
    private final int[] pictureId = new int[3];
    private final long[] nextFrame = new long[3];
    private final int[] framesPerLoop = new int[3];
    private final int audioPerLoop;
    private int audioSeq;
    private long nextAudio;
    private long startNanos = -1;
    private final byte[] buf = new byte[1500];

    Publisher(RecordedMedia media, Out pc, Totals totals, boolean audio, boolean video) {
        this.media = media;
        this.pc = pc;
        this.totals = totals;
        this.audio = audio;
        this.video = video;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.audioSsrc = audio ? r.nextLong(1, 0xFFFFFFFFL) : -1;
        for (int i = 0; i < 3; i++) {
            videoSsrcs[i] = r.nextLong(1, 0xFFFFFFFFL);
            videoSeq[i] = r.nextInt(0x10000);
            pictureId[i] = r.nextInt(0x8000);
            int n = 0;
            for (RecordedMedia.Frame f : media.layers().get(i).frames()) {
                if (f.atMicros() < media.loopMicros()) {
                    n++;
                }
            }
            framesPerLoop[i] = n;
        }
        this.audioPerLoop = (int) (media.loopMicros() / RecordedMedia.AUDIO_FRAME_MICROS);
        this.audioSeq = r.nextInt(0x10000);
    }

    /** Sends everything that is due; called from one scheduler thread at a time. */
    void tick() {
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long elapsed = (now - startNanos) / 1000;
        try {
            if (audio) {
                if (elapsed - nextAudio * RecordedMedia.AUDIO_FRAME_MICROS > MAX_LAG_MICROS) {
                    totals.generatorLagEvents.increment();
                    nextAudio = elapsed / RecordedMedia.AUDIO_FRAME_MICROS;
                }
                while (nextAudio * RecordedMedia.AUDIO_FRAME_MICROS <= elapsed) {
                    sendAudio(nextAudio);
                    nextAudio++;
                }
            }
            if (video) {
                for (int l = 0; l < 3; l++) {
                    while (true) {
                        long due = frameDue(l, nextFrame[l]);
                        if (due > elapsed) {
                            break;
                        }
                        if (elapsed - due > MAX_LAG_MICROS) {
                            // skip to the next loop's start, which is a keyframe, rather than burst
                            totals.generatorLagEvents.increment();
                            nextFrame[l] = (nextFrame[l] / framesPerLoop[l] + 1) * framesPerLoop[l];
                            continue;
                        }
                        sendFrame(l, nextFrame[l], due);
                        nextFrame[l]++;
                    }
                }
            }
        } catch (IOException e) {
            // the socket is closing; the participant's stop ends the ticks
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: count it and keep this publisher going
            totals.generatorLagEvents.increment();
        }
    }

    private long frameDue(int layer, long k) {
        long loop = k / framesPerLoop[layer];
        RecordedMedia.Frame f = media.layers().get(layer).frames().get((int) (k % framesPerLoop[layer]));
        return loop * media.loopMicros() + f.atMicros();
    }

    private void sendAudio(long k) throws IOException {
        byte[] opus = media.opus().get((int) (k % audioPerLoop));
        int h = header(false, Sdp.OPUS_PT, audioSeq++, k * 960, audioSsrc);
        // one-byte extensions: audio level (voice activity set, -30 dBov), mid "0"
        buf[h] = (byte) (Sdp.AUDIO_LEVEL_ID << 4);
        buf[h + 1] = (byte) (0x80 | 30);
        buf[h + 2] = (byte) (Sdp.MID_ID << 4);
        buf[h + 3] = '0';
        h += 4;
        System.arraycopy(opus, 0, buf, h, opus.length);
        send(h, h + opus.length);
    }

    private void sendFrame(int layer, long k, long dueMicros) throws IOException {
        RecordedMedia.Layer l = media.layers().get(layer);
        byte[] frame = l.frames().get((int) (k % framesPerLoop[layer])).data();
        long ts = dueMicros * 90 / 1000;
        int pid = pictureId[layer];
        pictureId[layer] = (pid + 1) & 0x7FFF;
        for (int off = 0; off < frame.length; off += MAX_PAYLOAD) {
            int n = Math.min(MAX_PAYLOAD, frame.length - off);
            boolean last = off + n >= frame.length;
            int seq = videoSeq[layer];
            videoSeq[layer] = (seq + 1) & 0xFFFF;
            int h = header(last, Sdp.VP8_PT, seq, ts, videoSsrcs[layer]);
            buf[h] = (byte) (Sdp.MID_ID << 4);
            buf[h + 1] = '1';
            buf[h + 2] = (byte) (Sdp.RID_ID << 4);
            buf[h + 3] = (byte) l.rid().charAt(0);
            h += 4;
            // VP8 payload descriptor: X=1, S on the first packet of the frame, partition 0; I=1 with a
            // 15-bit picture id (M=1), as Chromium sends it
            int p = h;
            buf[p++] = (byte) (0x80 | (off == 0 ? 0x10 : 0));
            buf[p++] = (byte) 0x80;
            buf[p++] = (byte) (0x80 | (pid >> 8));
            buf[p++] = (byte) pid;
            System.arraycopy(frame, off, buf, p, n);
            send(h, p + n);
        }
    }

    /** The 12-byte header plus a one-word extension block header; returns where the extensions go. */
    private int header(boolean marker, int pt, int seq, long ts, long ssrc) {
        buf[0] = (byte) 0x90;
        buf[1] = (byte) ((marker ? 0x80 : 0) | pt);
        Bytes.put16(buf, 2, seq & 0xFFFF);
        Bytes.put32(buf, 4, ts & 0xFFFFFFFFL);
        Bytes.put32(buf, 8, ssrc);
        Bytes.put16(buf, 12, 0xBEDE);
        Bytes.put16(buf, 14, 1);
        return 16;
    }

    private void send(int headerLen, int end) throws IOException {
        long t = System.nanoTime();
        Bytes.put32(buf, end, t >>> 32);
        Bytes.put32(buf, end + 4, t & 0xFFFFFFFFL);
        Bytes.put16(buf, end + 8, TAG_MAGIC);
        if (pc.sendRtp(buf, end + TAG_LENGTH, headerLen)) {
            totals.sent.increment();
        }
    }

    /** The send time in a received payload's tag, or -1 when the payload carries none. */
    static long sendNanos(byte[] b, int payloadEnd) {
        if (payloadEnd < TAG_LENGTH || Bytes.u16(b, payloadEnd - 2) != TAG_MAGIC) {
            return -1;
        }
        return (Bytes.u32(b, payloadEnd - TAG_LENGTH) << 32) | Bytes.u32(b, payloadEnd - TAG_LENGTH + 4);
    }

    List<Long> ssrcs() {
        return audio ? List.of(audioSsrc, videoSsrcs[0], videoSsrcs[1], videoSsrcs[2])
                : List.of(videoSsrcs[0], videoSsrcs[1], videoSsrcs[2]);
    }
}
