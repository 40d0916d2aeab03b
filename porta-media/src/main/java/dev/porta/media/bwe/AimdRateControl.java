// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * The delay-based rate controller (draft-ietf-rmcat-gcc-02 §6): a state machine of increase, hold and
 * decrease driven by the over-use detector's signal.
 *
 * <ul>
 *   <li>Over-use: decrease to {@link #BETA} × the rate that actually arrived (R_hat), then hold. Cutting
 *       from the measured rate rather than the estimate drains the queue the over-use built.</li>
 *   <li>Under-use: hold — queues are draining; raising now would refill them.</li>
 *   <li>Normal: increase. Far from the rate of the last decreases, multiplicatively by up to
 *       {@link #MULTIPLICATIVE_GROWTH} per second (find a new capacity fast); within three standard
 *       deviations of it, additively by about one packet per response time (stay near the known
 *       capacity without bursting past it).</li>
 * </ul>
 * The estimate never grows beyond {@link #INCOMING_HEADROOM} × R_hat: a sender that is not using its
 * estimate has not shown the path carries it (probing is how it finds out). Allocation-free.
 */
public final class AimdRateControl {
    static final double BETA = 0.85;
    static final double MULTIPLICATIVE_GROWTH = 1.08;
    static final double INCOMING_HEADROOM = 1.5;
    static final long HEADROOM_SLACK_BPS = 10_000;
    static final int PACKET_BITS = 1200 * 8;
    /**
     * The round trip the additive increase assumes: the SFU does not compute a subscriber's round trip
     * (yet), so the response time is this plus the 100 ms the draft allows the detector.
     */
    static final long ASSUMED_RTT_MILLIS = 100;

    public enum State { HOLD, INCREASE, DECREASE }

    private final long minBps;
    private final long maxBps;
    private long estimate;
    private State state = State.INCREASE;
    private long lastChangeMillis = -1;
    private double avgMaxKbps = -1;
    private double varMaxKbps = 0.4;
    private long lastDecreaseMillis = -1;

    public AimdRateControl(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.estimate = clamp(startBps);
    }

    /**
     * Applies the detector's signal at {@code nowMillis}, given the rate that arrived at the receiver
     * lately ({@code incomingBps}, or -1 if not yet measured). Returns the new estimate.
     */
    public long update(BandwidthUsage usage, long incomingBps, long nowMillis) {
        if (lastChangeMillis < 0) {
            lastChangeMillis = nowMillis;
        }
        switch (usage) {
            case OVERUSING -> state = State.DECREASE;
            case UNDERUSING -> state = State.HOLD;
            case NORMAL -> {
                if (state == State.HOLD || state == State.DECREASE) {
                    state = State.INCREASE;
                }
            }
        }
        double incomingKbps = incomingBps / 1000.0;
        if (incomingBps > 0 && avgMaxKbps >= 0
                && incomingKbps > avgMaxKbps + 3 * Math.sqrt(varMaxKbps * avgMaxKbps)) {
            avgMaxKbps = -1; // the path carries more than it used to: the old capacity no longer applies
        }
        long next = estimate;
        switch (state) {
            case HOLD -> { }
            case INCREASE -> {
                double seconds = Math.min(1.0, Math.max(0, nowMillis - lastChangeMillis) / 1000.0);
                if (nearConvergence(incomingKbps)) {
                    double responseSeconds = (ASSUMED_RTT_MILLIS + 100) / 1000.0;
                    next = estimate + Math.max(1000, (long) (PACKET_BITS * seconds / responseSeconds));
                } else {
                    next = (long) (estimate * Math.pow(MULTIPLICATIVE_GROWTH, seconds)) + 1000;
                }
                if (incomingBps > 0) {
                    next = Math.min(next, Math.max(estimate, (long) (INCOMING_HEADROOM * incomingBps) + HEADROOM_SLACK_BPS));
                }
            }
            case DECREASE -> {
                long base = incomingBps > 0 ? incomingBps : estimate;
                next = Math.min(estimate, (long) (BETA * base));
                if (incomingBps > 0) {
                    learnCapacity(incomingKbps);
                }
                lastDecreaseMillis = nowMillis;
                state = State.HOLD;
            }
        }
        estimate = clamp(next);
        lastChangeMillis = nowMillis;
        return estimate;
    }

    private boolean nearConvergence(double incomingKbps) {
        if (avgMaxKbps < 0 || incomingKbps <= 0) {
            return false;
        }
        return Math.abs(incomingKbps - avgMaxKbps) <= 3 * Math.sqrt(varMaxKbps * avgMaxKbps);
    }

    /** Running mean and normalised variance of the incoming rate at decreases (the path's capacity). */
    private void learnCapacity(double incomingKbps) {
        double alpha = 0.05;
        if (avgMaxKbps < 0) {
            avgMaxKbps = incomingKbps;
        } else {
            avgMaxKbps = (1 - alpha) * avgMaxKbps + alpha * incomingKbps;
        }
        double norm = Math.max(avgMaxKbps, 1.0);
        double dev = avgMaxKbps - incomingKbps;
        varMaxKbps = (1 - alpha) * varMaxKbps + alpha * dev * dev / norm;
        varMaxKbps = Math.max(0.4, Math.min(2.5, varMaxKbps));
    }

    private long clamp(long bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }

    /** Raises (never lowers) the estimate to a rate a probe showed the path carries. */
    public void probed(long bps, long nowMillis) {
        if (bps > estimate) {
            estimate = clamp(bps);
            lastChangeMillis = nowMillis;
        }
    }

    /** Caps the estimate (a receiver's REMB). */
    public void cap(long bps) {
        estimate = clamp(Math.min(estimate, bps));
    }

    public long estimateBps() {
        return estimate;
    }

    public State state() {
        return state;
    }

    /** When the last over-use decrease happened, or -1. */
    public long lastDecreaseMillis() {
        return lastDecreaseMillis;
    }
}
