// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * Estimates the delay gradient: whether one-way queueing delay is growing, and how fast. The draft
 * (draft-ietf-rmcat-gcc-02 §5.3) filters the per-group delay variation d(i) with a Kalman filter; this
 * is the trendline alternative: accumulate d(i) into the delay built up since the start, smooth it
 * exponentially (a single late group must not count as a trend), and fit a least-squares line through
 * the last {@link #WINDOW} (arrival time, smoothed delay) points. The slope is the fraction of each
 * millisecond the bottleneck queue grew by; 0 when the path keeps up.
 *
 * <p>{@link #update} returns the slope scaled to the threshold's millisecond scale: the delay the
 * trend would build over {@link #SCALE_GROUPS} groups, times {@link #GAIN}. Until that many groups have
 * been seen the scale is the number seen, so a fresh estimator is slow to cry over-use. Allocation-free.
 */
public final class TrendlineEstimator {
    /** Points in the regression: ~20 video frames, well under a second of history. */
    static final int WINDOW = 20;
    /** Weight of the previous smoothed value (the rest goes to the new accumulated delay). */
    static final double SMOOTHING = 0.9;
    /** Groups the slope is projected over so that it reads in milliseconds of built-up delay. */
    static final int SCALE_GROUPS = 60;
    /** Extra weight on that projection, so a sustained slope of ~5 % crosses the initial 12.5 ms threshold. */
    static final double GAIN = 4.0;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int next;
    private int filled;
    private long firstArrivalMicros = -1;
    private double accumulatedMs;
    private double smoothedMs;
    private int groups;
    private double lastTrend;

    /**
     * Adds one group's delay variation {@code d(i) = (t(i) - t(i-1)) - (T(i) - T(i-1))} in ms, observed
     * at {@code arrivalMicros}; returns the scaled trend m(i) in ms.
     */
    public double update(double delayVariationMs, long arrivalMicros) {
        if (firstArrivalMicros < 0) {
            firstArrivalMicros = arrivalMicros;
        }
        groups++;
        accumulatedMs += delayVariationMs;
        smoothedMs = SMOOTHING * smoothedMs + (1 - SMOOTHING) * accumulatedMs;
        xs[next] = (arrivalMicros - firstArrivalMicros) / 1000.0;
        ys[next] = smoothedMs;
        next = (next + 1) % WINDOW;
        filled = Math.min(WINDOW, filled + 1);
        if (filled == WINDOW) {
            lastTrend = slope() * Math.min(groups, SCALE_GROUPS) * GAIN;
        }
        return lastTrend;
    }

    /** The least-squares slope of the window; 0 when all points share one arrival time. */
    private double slope() {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < filled; i++) {
            meanX += xs[i];
            meanY += ys[i];
        }
        meanX /= filled;
        meanY /= filled;
        double num = 0;
        double den = 0;
        for (int i = 0; i < filled; i++) {
            double dx = xs[i] - meanX;
            num += dx * (ys[i] - meanY);
            den += dx * dx;
        }
        return den == 0 ? 0 : num / den;
    }

    /** The last scaled trend (ms); 0 until the window has filled. */
    public double trend() {
        return lastTrend;
    }
}
