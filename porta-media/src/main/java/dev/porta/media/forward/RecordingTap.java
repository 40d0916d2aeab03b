// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.api.MediaRecording;
import dev.porta.media.api.RecordedPacket;
import dev.porta.media.api.Recorder;
import dev.porta.media.rtp.RtpPacket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands a recorded room's packets from the media thread to its {@link Recorder} without ever making the
 * media thread wait: each packet is copied into a bounded queue ({@code offer}, dropped and counted when
 * full), and a virtual thread of its own feeds the recorder, one call at a time. A recorder that throws
 * is logged and goes on getting packets; forwarding never sees it.
 */
public final class RecordingTap implements MediaRecording {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordingTap.class);
    private final ArrayBlockingQueue<RecordedPacket> queue;
    private final Recorder recorder;
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Consumer<RecordingTap> onStop;
    private final Thread feeder;
    private volatile boolean stopped;

    /**
     * The recorder is called only once {@link #start} is: a tap the SFU refuses (the room is already
     * recorded) never touches it.
     *
     * @param onStop run once by {@link #stop}, given this tap (the SFU unhooks it from its room on the media thread)
     */
    public RecordingTap(Recorder recorder, int capacity, String name, Consumer<RecordingTap> onStop) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.recorder = recorder;
        this.onStop = onStop;
        this.feeder = Thread.ofVirtual().name("recorder-" + name).unstarted(this::feed);
    }

    /** Starts feeding the recorder (packets offered before wait in the queue). */
    public void start() {
        feeder.start();
    }

    /** On the media thread: copies {@code p} (already decrypted) for the recorder, or counts it dropped. */
    void offer(Participant from, UpTrack track, RtpPacket p, long nowMillis) {
        if (stopped) {
            return;
        }
        byte[] payload = new byte[p.payloadLength()];
        System.arraycopy(p.buffer(), p.payloadOffset(), payload, 0, payload.length);
        String codec = track.audio ? "opus" : track.media.isH264() ? "h264" : "vp8";
        RecordedPacket r = new RecordedPacket(from.id, track.source, codec, p.ssrc(), p.sequenceNumber(), p.timestamp(),
                p.marker(), payload, nowMillis);
        if (queue.offer(r)) {
            packets.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void stop() {
        if (!stopped) {
            stopped = true;
            onStop.accept(this);
        }
    }

    @Override
    public long packets() {
        return packets.get();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Times the recorder threw. */
    public long failures() {
        return failures.get();
    }

    /** Waits up to {@code millis} for the recorder to have finished (tests, shutdown). */
    public boolean awaitFinished(long millis) throws InterruptedException {
        return feeder.join(java.time.Duration.ofMillis(millis));
    }

    private void feed() {
        try {
            while (!stopped || !queue.isEmpty()) {
                RecordedPacket p = queue.poll(200, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                try {
                    recorder.packet(p);
                } catch (RuntimeException e) {
                    if (failures.getAndIncrement() == 0) {
                        LOG.warn("media: the recorder failed on a packet (further failures are only counted)", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (dropped.get() > 0) {
                // the only place the count shows: MediaRecording.dropped() is not in any stats
                LOG.warn("media: {} of {} packets of {} were dropped because the recorder fell behind",
                        dropped.get(), dropped.get() + packets.get(), feeder.getName());
            }
            try {
                recorder.finish();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warn("media: the recorder failed to finish", e);
            }
        }
    }
}
