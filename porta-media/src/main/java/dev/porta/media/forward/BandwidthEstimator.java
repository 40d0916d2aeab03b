// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/**
 * A conservative send-side bandwidth estimate for one subscriber, from transport-wide-cc feedback:
 * loss-based AIMD (cut in proportion to loss above 10 %, grow 5 % per interval below 2 %), capped
 * near what actually arrived so it cannot run far ahead of the path. Not GoogCC; a start. A subscriber
 * that never sends transport-cc feedback (browsers always do) keeps {@code media.start-bitrate}, lowered
 * only by its REMB if it sends one.
 */
public final class BandwidthEstimator {
    private static final int HISTORY = 4096;

    private final long minBps;
    private final long maxBps;
    private final int[] sizes = new int[HISTORY];
    private final int[] seqs = new int[HISTORY];
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
        java.util.Arrays.fill(seqs, -1);
    }

    /** Remembers a packet sent with transport sequence {@code seq}. */
    public void sent(int seq, int bytes) {
        int i = seq & (HISTORY - 1);
        seqs[i] = seq;
        sizes[i] = bytes;
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
        if (firstArrival < 0 || arrivalMicros < firstArrival) {
            firstArrival = arrivalMicros;
        }
        lastArrival = Math.max(lastArrival, arrivalMicros);
    }

    /** A receiver's own estimate (REMB): the send-side estimate never exceeds it. */
    public void remb(long bps) {
        if (bps > 0) {
            estimate = Math.max(minBps, Math.min(estimate, bps));
        }
    }

    /** Folds the feedback gathered since the last update into the estimate (at most every 200 ms). */
    public void update(long nowMillis) {
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

    public long estimateBps() {
        return estimate;
    }

    public double lossRatio() {
        return lossRatio;
    }
}
