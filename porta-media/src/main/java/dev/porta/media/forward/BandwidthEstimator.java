// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.bwe.BandwidthUsage;
import dev.porta.media.bwe.DelayBasedEstimator;

/**
 * The send-side bandwidth estimate for one subscriber, from transport-wide-cc feedback: the minimum of
 * a delay-based part ({@link DelayBasedEstimator}, which backs off when queueing delay grows, before
 * any loss) and a loss-based part (AIMD: cut in proportion to loss above 10 %, grow 5 % per interval
 * below 2 %, capped near what actually arrived so it cannot run far ahead of the path), as in
 * draft-ietf-rmcat-gcc-02 §4. A subscriber that never sends transport-cc feedback (browsers always do)
 * keeps {@code media.start-bitrate}, lowered only by its REMB if it sends one.
 */
public final class BandwidthEstimator {
    private static final int HISTORY = 4096;

    private final long minBps;
    private final long maxBps;
    private final int[] sizes = new int[HISTORY];
    private final int[] seqs = new int[HISTORY];
    private final long[] sendMicros = new long[HISTORY];
    private final DelayBasedEstimator delay;
    /** The loss-based estimate. */
    private long estimate;
    private long lastUpdateMillis;
    private int reported;
    private int lost;
    private long receivedBytes;
    private long firstArrival = -1;
    private long lastArrival = -1;
    private double lossRatio;

    public BandwidthEstimator(long startBps, long minBps, long maxBps) {
        this.estimate = startBps;
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.delay = new DelayBasedEstimator(startBps, minBps, maxBps);
        java.util.Arrays.fill(seqs, -1);
    }

    /** Remembers a packet sent with transport sequence {@code seq} at {@code sentMicros} (the SFU's clock). */
    public void sent(int seq, int bytes, long sentMicros) {
        int i = seq & (HISTORY - 1);
        seqs[i] = seq;
        sizes[i] = bytes;
        sendMicros[i] = sentMicros;
    }

    /** One packet's fate from a feedback message; arrival -1 means lost. */
    public void feedback(int seq, long arrivalMicros) {
        int i = seq & (HISTORY - 1);
        if (seqs[i] != seq) {
            return;
        }
        reported++;
        if (arrivalMicros < 0) {
            lost++;
            return;
        }
        receivedBytes += sizes[i];
        seqs[i] = -1; // a packet reported twice must not count twice in the delay gradient
        delay.packet(sendMicros[i], arrivalMicros, sizes[i]);
        if (firstArrival < 0 || arrivalMicros < firstArrival) {
            firstArrival = arrivalMicros;
        }
        lastArrival = Math.max(lastArrival, arrivalMicros);
    }

    /** A receiver's own estimate (REMB): the send-side estimate never exceeds it. */
    public void remb(long bps) {
        if (bps > 0) {
            estimate = Math.max(minBps, Math.min(estimate, bps));
            delay.cap(bps);
        }
    }

    /**
     * Folds the feedback gathered since the last update into the estimates: the delay-based one on every
     * feedback message, the loss-based one at most every 200 ms and over at least 10 reports.
     */
    public void update(long nowMillis) {
        delay.update(nowMillis);
        if (nowMillis - lastUpdateMillis < 200 || reported < 10) {
            return;
        }
        lossRatio = (double) lost / reported;
        long rate = -1;
        if (lastArrival > firstArrival && lastArrival - firstArrival > 50_000) {
            rate = receivedBytes * 8_000_000L / (lastArrival - firstArrival);
        }
        if (lossRatio > 0.10) {
            estimate = (long) (estimate * (1 - 0.5 * lossRatio));
        } else if (lossRatio < 0.02) {
            long grown = (long) (estimate * 1.05) + 1000;
            estimate = rate > 0 ? Math.min(grown, Math.max(estimate, (long) (rate * 1.5) + 200_000)) : grown;
        }
        estimate = Math.max(minBps, Math.min(maxBps, estimate));
        lastUpdateMillis = nowMillis;
        reported = 0;
        lost = 0;
        receivedBytes = 0;
        firstArrival = -1;
        lastArrival = -1;
    }

    /** The estimate allocation uses: the lower of the delay-based and the loss-based one. */
    public long estimateBps() {
        return Math.min(estimate, delay.estimateBps());
    }

    public long lossBasedBps() {
        return estimate;
    }

    public long delayBasedBps() {
        return delay.estimateBps();
    }

    /** The delay-based over-use detector's current signal. */
    public BandwidthUsage usage() {
        return delay.usage();
    }

    /** What arrived at the subscriber over the last 300 ms (from feedback), or -1. */
    public long incomingBps() {
        return delay.incomingBps();
    }

    /** A probe showed the path carries {@code bps}: both parts may start from there. */
    public void probed(long bps, long nowMillis) {
        if (bps > estimate) {
            estimate = Math.min(maxBps, bps);
        }
        delay.probed(bps, nowMillis);
    }

    /** When the delay-based part last cut the estimate for over-use, or -1. */
    public long lastDecreaseMillis() {
        return delay.lastDecreaseMillis();
    }

    public double lossRatio() {
        return lossRatio;
    }
}
