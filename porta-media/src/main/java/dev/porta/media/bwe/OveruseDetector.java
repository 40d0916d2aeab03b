// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * Turns the delay trend into a signal (draft-ietf-rmcat-gcc-02 §5.4-5.5) against an adaptive threshold.
 * Over-use needs the trend above the threshold for at least {@link #OVERUSE_TIME_MS} of send time over
 * more than one group, and not already falling; under-use is a trend below minus the threshold. The
 * threshold follows |m| (§5.4): quickly up ({@link #K_UP}) when the trend exceeds it, so competing TCP
 * flows that keep a standing queue do not starve us, slowly down ({@link #K_DOWN}) otherwise, within
 * [{@link #MIN_THRESHOLD_MS}, {@link #MAX_THRESHOLD_MS}]; a spike more than {@link #SPIKE_MS} above it is
 * not allowed to move it. Allocation-free.
 */
public final class OveruseDetector {
    static final double INITIAL_THRESHOLD_MS = 12.5;
    static final double MIN_THRESHOLD_MS = 6;
    static final double MAX_THRESHOLD_MS = 600;
    static final double K_UP = 0.01;
    static final double K_DOWN = 0.00018;
    static final double SPIKE_MS = 15;
    static final double OVERUSE_TIME_MS = 10;
    /** The threshold adapts over at most this much time per update, so a gap in feedback is not one big step. */
    static final double MAX_ADAPT_STEP_MS = 100;

    private double threshold = INITIAL_THRESHOLD_MS;
    private double overuseMs = -1;
    private int overuseCount;
    private double previousTrend;
    private long lastUpdateMicros = -1;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;

    /**
     * Classifies trend {@code m} (ms) of a group sent {@code sendDeltaMs} after the one before, seen at
     * {@code nowMicros} (receiver's arrival clock, for the threshold's adaptation speed).
     */
    public BandwidthUsage detect(double m, double sendDeltaMs, long nowMicros) {
        if (m > threshold) {
            overuseMs = overuseMs < 0 ? sendDeltaMs / 2 : overuseMs + sendDeltaMs;
            overuseCount++;
            if (overuseMs > OVERUSE_TIME_MS && overuseCount > 1 && m >= previousTrend) {
                overuseMs = 0;
                overuseCount = 0;
                usage = BandwidthUsage.OVERUSING;
            }
        } else if (m < -threshold) {
            overuseMs = -1;
            overuseCount = 0;
            usage = BandwidthUsage.UNDERUSING;
        } else {
            overuseMs = -1;
            overuseCount = 0;
            usage = BandwidthUsage.NORMAL;
        }
        previousTrend = m;
        adapt(m, nowMicros);
        return usage;
    }

    private void adapt(double m, long nowMicros) {
        if (lastUpdateMicros < 0) {
            lastUpdateMicros = nowMicros;
        }
        double magnitude = Math.abs(m);
        if (magnitude > threshold + SPIKE_MS) {
            lastUpdateMicros = nowMicros;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double dt = Math.min(MAX_ADAPT_STEP_MS, Math.max(0, (nowMicros - lastUpdateMicros) / 1000.0));
        threshold += k * (magnitude - threshold) * dt;
        threshold = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, threshold));
        lastUpdateMicros = nowMicros;
    }

    public BandwidthUsage usage() {
        return usage;
    }

    public double thresholdMs() {
        return threshold;
    }
}
