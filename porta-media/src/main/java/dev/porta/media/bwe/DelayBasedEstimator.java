// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * The delay-based half of the send-side estimate (draft-ietf-rmcat-gcc-02 §5-6) for one subscriber:
 * acknowledged packets → {@link InterArrival} send-time groups → delay variation d(i) → {@link
 * TrendlineEstimator} → {@link OveruseDetector} → {@link AimdRateControl}, with {@link AckedBitrate} as
 * the measured incoming rate. It reacts to queueing delay, so it backs off while the bottleneck's queue
 * is still growing — before that queue overflows into loss, which is all a loss-based estimate sees.
 * Media thread only; allocation-free.
 */
public final class DelayBasedEstimator {
    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final OveruseDetector detector = new OveruseDetector();
    private final AckedBitrate acked = new AckedBitrate();
    private final AckedBitrate spread = new AckedBitrate(AckedBitrate.STRETCH_WINDOW_MICROS);
    /**
     * Over-use counts only when the path also spread our packets out by at least this much over the last
     * second: a queue that grows because of us delivers our packets slower than we send them. Without
     * it a receiver that stalls (a loaded CPU, a Wi-Fi scan) shows rising delay while delivering
     * everything, and an SFU forwarding a low layer would cut its estimate to 0.85 × that layer.
     */
    static final double MIN_OVERUSE_STRETCH = 1.1;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;
    private final AimdRateControl rate;
    private long lastArrivalMicros = -1;

    public DelayBasedEstimator(long startBps, long minBps, long maxBps) {
        this.rate = new AimdRateControl(startBps, minBps, maxBps);
    }

    /** One acknowledged packet, in send order: when the SFU sent it and when the subscriber got it. */
    public void packet(long sendMicros, long arrivalMicros, int bytes) {
        acked.add(sendMicros, arrivalMicros, bytes);
        spread.add(sendMicros, arrivalMicros, bytes);
        lastArrivalMicros = arrivalMicros;
        if (interArrival.packet(sendMicros, arrivalMicros, bytes)) {
            double sendDeltaMs = interArrival.sendDeltaMicros() / 1000.0;
            double variationMs = (interArrival.arrivalDeltaMicros() - interArrival.sendDeltaMicros()) / 1000.0;
            double m = trendline.update(variationMs, interArrival.completedArrivalMicros());
            detector.detect(m, sendDeltaMs, interArrival.completedArrivalMicros());
        }
    }

    /** Runs the rate controller on the signal so far; call once per feedback message. */
    public long update(long nowMillis) {
        if (lastArrivalMicros < 0) {
            return rate.estimateBps();
        }
        usage = detector.usage();
        if (usage == BandwidthUsage.OVERUSING && spread.stretch() < MIN_OVERUSE_STRETCH) {
            usage = BandwidthUsage.UNDERUSING; // hold: delay rose, but not behind our own packets
        }
        return rate.update(usage, acked.bps(), nowMillis);
    }

    public long estimateBps() {
        return rate.estimateBps();
    }

    /** The signal the rate controller last acted on (over-use only when our packets were spread out). */
    public BandwidthUsage usage() {
        return usage;
    }

    /** What arrived over the last 300 ms, or -1. */
    public long incomingBps() {
        return acked.bps();
    }

    /** The over-use detector's adaptive threshold (ms), for tests. */
    public double thresholdMs() {
        return detector.thresholdMs();
    }

    /** See {@link AimdRateControl#probed}. */
    public void probed(long bps, long nowMillis) {
        rate.probed(bps, nowMillis);
    }

    /** See {@link AimdRateControl#cap}. */
    public void cap(long bps) {
        rate.cap(bps);
    }

    /** When the last over-use decrease happened, or -1. */
    public long lastDecreaseMillis() {
        return rate.lastDecreaseMillis();
    }
}
