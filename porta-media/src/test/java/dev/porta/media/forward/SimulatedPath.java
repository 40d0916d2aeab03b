// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.bwe.ProbeController;
import java.util.ArrayDeque;

/**
 * A test path from the SFU to one subscriber, on a fake clock: a FIFO bottleneck of {@code capacityBps}
 * with an unbounded queue (so nothing is ever lost unless {@code lossEvery} says so) and a fixed one-way
 * delay, fed by a sender that sends one video frame every 33 ms at the estimate's rate (capped at what
 * it wants) and one 120-byte Opus packet every 20 ms, as the SFU forwards a camera and a microphone;
 * the subscriber reports transport-cc feedback every 50 ms, as a browser does. A drop-tail buffer of
 * {@link #BUFFER_MILLIS} loses what arrives when it is full, as a router does. With a {@link
 * ProbeController} it runs the probe decision every 20 ms tick as {@link SubscribeProber} does and
 * sends the padding it asks for as 255-byte packets. The network is simulated
 * because a unit test cannot queue real packets; the browser tests shape real ones.
 */
final class SimulatedPath {
    static final int PACKET = 1200;
    static final long FRAME_MILLIS = 33;
    static final long FEEDBACK_MILLIS = 50;
    static final long ONE_WAY_MICROS = 20_000;
    static final long AUDIO_MILLIS = 20;
    static final int AUDIO_BYTES = 120;
    static final long BUFFER_MILLIS = 500;

    private record InFlight(int seq, long arrivalMicros) { }

    final BandwidthEstimator bwe;
    long capacityBps;
    long wantedBps;
    /** Every n-th packet is lost on the way (0: none). */
    int lossEvery;
    long nowMillis;
    private long queueFreeAtMicros;
    private int seq;
    private long lastFrame = -FRAME_MILLIS;
    private long lastFeedback;
    private long lastAudio = -AUDIO_MILLIS;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    ProbeController prober;
    private long stallFromMicros = -1;
    private long stallToMicros = -1;
    long paddingPackets;
    long lostPackets;
    long maxQueueMicros;

    SimulatedPath(BandwidthEstimator bwe, long capacityBps, long wantedBps) {
        this.bwe = bwe;
        this.capacityBps = capacityBps;
        this.wantedBps = wantedBps;
    }

    /** Advances the fake clock by {@code millis}, one millisecond at a time. */
    void run(long millis) {
        for (long end = nowMillis + millis; nowMillis < end; ) {
            nowMillis++;
            if (nowMillis - lastFrame >= FRAME_MILLIS) {
                lastFrame = nowMillis;
                sendFrame(Math.min(wantedBps, bwe.estimateBps()) * FRAME_MILLIS / 8000);
            }
            if (nowMillis - lastAudio >= AUDIO_MILLIS) {
                lastAudio = nowMillis;
                send(AUDIO_BYTES);
            }
            if (prober != null && nowMillis % 20 == 0) {
                probe();
            }
            if (nowMillis - lastFeedback >= FEEDBACK_MILLIS) {
                lastFeedback = nowMillis;
                feedback();
            }
        }
    }

    private void probe() {
        prober.tick(nowMillis, bwe.estimateBps(), wantedBps, bwe.incomingBps(), bwe.usage(), bwe.lastDecreaseMillis());
        long probed = prober.takeResult();
        if (probed > 0) {
            bwe.probed(probed, nowMillis);
        }
        long media = Math.min(wantedBps, bwe.estimateBps());
        for (long bytes = prober.paddingBps(media) * 20 / 8000; bytes > 0; bytes -= 255) {
            send((int) Math.min(255, bytes));
            paddingPackets++;
        }
    }

    private void sendFrame(long bytes) {
        for (long left = bytes; left > 0; left -= PACKET) {
            send((int) Math.min(PACKET, left));
        }
    }

    private void send(int size) {
        long sendMicros = nowMillis * 1000;
        int s = seq++ & 0xFFFF;
        bwe.sent(s, size, sendMicros);
        long start = Math.max(sendMicros, queueFreeAtMicros);
        if ((lossEvery > 0 && seq % lossEvery == 0) || start - sendMicros > BUFFER_MILLIS * 1000) {
            inFlight.add(new InFlight(s, -1));
            lostPackets++;
            return;
        }
        maxQueueMicros = Math.max(maxQueueMicros, start - sendMicros);
        queueFreeAtMicros = start + size * 8_000_000L / capacityBps;
        long arrival = queueFreeAtMicros + ONE_WAY_MICROS;
        if (arrival >= stallFromMicros && arrival < stallToMicros) {
            arrival = stallToMicros; // the receiver stamps everything that came in during its stall at once
        }
        inFlight.add(new InFlight(s, arrival));
    }

    /**
     * The receiver stalls for {@code millis} from now (a loaded CPU): packets reaching it meanwhile are
     * timestamped when it wakes. Nothing queues in the network and nothing is lost.
     */
    void stallReceiver(long millis) {
        stallFromMicros = nowMillis * 1000 + ONE_WAY_MICROS;
        stallToMicros = stallFromMicros + millis * 1000;
    }

    private void feedback() {
        long nowMicros = nowMillis * 1000;
        boolean any = false;
        while (!inFlight.isEmpty() && inFlight.peek().arrivalMicros() <= nowMicros) {
            InFlight f = inFlight.poll();
            bwe.feedback(f.seq(), f.arrivalMicros());
            any = true;
        }
        if (any) {
            bwe.update(nowMillis);
        }
    }

    /** How long a packet sent now would wait in the bottleneck's queue. */
    long queueDelayMillis() {
        return Math.max(0, queueFreeAtMicros - nowMillis * 1000) / 1000;
    }
}
