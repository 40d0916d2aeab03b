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
    private final AimdRateControl rate;
    private long lastArrivalMicros = -1;

    public DelayBasedEstimator(long startBps, long minBps, long maxBps) {
        this.rate = new AimdRateControl(startBps, minBps, maxBps);
    }

    /** One acknowledged packet, in send order: when the SFU sent it and when the subscriber got it. */
    public void packet(long sendMicros, long arrivalMicros, int bytes) {
        acked.add(arrivalMicros, bytes);
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
        return rate.update(detector.usage(), acked.bps(), nowMillis);
    }

    public long estimateBps() {
        return rate.estimateBps();
    }

    public BandwidthUsage usage() {
        return detector.usage();
    }

    /** What arrived over the last 300 ms, or -1. */
    public long incomingBps() {
        return acked.bps();
    }

    /** The last scaled delay trend (ms) and the detector's threshold (ms), for stats and tests. */
    public double trendMs() {
        return trendline.trend();
    }

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
