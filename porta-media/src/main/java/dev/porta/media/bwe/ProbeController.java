// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * Decides when to probe a subscriber's path above the estimate, and what a probe showed. Without it the
 * estimate climbs back after congestion only as fast as the rate controller lets it (8 %/s, never past
 * 1.5 × what arrived), because a sender held below its estimate never shows the path carries more.
 *
 * <p>A probe starts when the layers the subscriber wants need more than {@link #WANT_ABOVE} × the
 * estimate, its feedback has measured an arrival rate (a probe nobody reports on teaches nothing), the
 * path is not over-used, at least {@link #AFTER_DECREASE_MILLIS} have passed since the
 * last over-use cut (the queue it built has drained) and the back-off since the last probe is over. It
 * asks for padding up to a target of at most {@link #MAX_STEP} × the estimate (never more than wanted),
 * at most {@code maxPaddingBps} of padding, for {@link #PROBE_MILLIS}. Then it watches the rate that
 * arrives for {@link #RESULT_MILLIS}: if at least {@link #SUCCESS_FRACTION} of the target arrived and the
 * delay-based part did not cut meanwhile, the probe succeeded and {@link #takeResult()} hands the
 * arrived rate to the estimator; the next probe may follow after {@link #AFTER_SUCCESS_MILLIS}. A failed
 * probe backs off from {@link #MIN_BACKOFF_MILLIS}, doubling up to {@link #MAX_BACKOFF_MILLIS}: a path
 * at its capacity is poked every 8 s at most (each poke stops at the first over-use), and a path whose
 * congestion has cleared is found again within those 8 s. Media thread only; allocation-free.
 */
public final class ProbeController {
    static final double WANT_ABOVE = 1.15;
    static final double MAX_STEP = 2.0;
    /** Longer than the 300 ms window the arrived rate is measured over, so a probe can fill it. */
    static final long PROBE_MILLIS = 400;
    static final long RESULT_MILLIS = 700;
    static final double SUCCESS_FRACTION = 0.85;
    static final long AFTER_DECREASE_MILLIS = 2_000;
    static final long AFTER_SUCCESS_MILLIS = 1_000;
    static final long MIN_BACKOFF_MILLIS = 2_000;
    static final long MAX_BACKOFF_MILLIS = 8_000;

    public enum State { IDLE, PROBING, AWAITING_RESULT }

    private final long maxPaddingBps;
    private State state = State.IDLE;
    private long startedMillis;
    private long targetBps;
    private long bestArrivedBps;
    private long nextAllowedMillis;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long result = -1;
    private int probes;
    private int successes;

    public ProbeController(long maxPaddingBps) {
        this.maxPaddingBps = maxPaddingBps;
    }

    /**
     * Advances the decision at {@code nowMillis} (every tick). {@code estimateBps}: the current estimate;
     * {@code wantedBps}: what the subscriber's layers would need unconstrained; {@code arrivedBps}: what
     * arrived lately according to feedback (-1 unknown); {@code usage}: the over-use signal;
     * {@code lastDecreaseMillis}: the last delay-based cut (-1 never).
     */
    public void tick(long nowMillis, long estimateBps, long wantedBps, long arrivedBps, BandwidthUsage usage,
                     long lastDecreaseMillis) {
        switch (state) {
            case IDLE -> {
                boolean wantsMore = wantedBps > WANT_ABOVE * estimateBps;
                boolean settled = lastDecreaseMillis < 0 || nowMillis - lastDecreaseMillis >= AFTER_DECREASE_MILLIS;
                if (wantsMore && settled && arrivedBps > 0 && usage != BandwidthUsage.OVERUSING && nowMillis >= nextAllowedMillis) {
                    state = State.PROBING;
                    startedMillis = nowMillis;
                    targetBps = Math.min(wantedBps, (long) (MAX_STEP * estimateBps));
                    bestArrivedBps = -1;
                    probes++;
                }
            }
            case PROBING -> {
                watch(arrivedBps);
                if (usage == BandwidthUsage.OVERUSING || lastDecreaseMillis >= startedMillis) {
                    fail(nowMillis);
                } else if (nowMillis - startedMillis >= PROBE_MILLIS) {
                    state = State.AWAITING_RESULT;
                }
            }
            case AWAITING_RESULT -> {
                watch(arrivedBps);
                if (lastDecreaseMillis >= startedMillis) {
                    fail(nowMillis);
                } else if (bestArrivedBps >= SUCCESS_FRACTION * targetBps) {
                    succeed(nowMillis);
                } else if (nowMillis - startedMillis >= PROBE_MILLIS + RESULT_MILLIS) {
                    fail(nowMillis);
                }
            }
        }
    }

    private void watch(long arrivedBps) {
        bestArrivedBps = Math.max(bestArrivedBps, arrivedBps);
    }

    private void succeed(long nowMillis) {
        result = Math.min(bestArrivedBps, targetBps);
        successes++;
        backoffMillis = MIN_BACKOFF_MILLIS;
        nextAllowedMillis = nowMillis + AFTER_SUCCESS_MILLIS;
        state = State.IDLE;
    }

    private void fail(long nowMillis) {
        nextAllowedMillis = nowMillis + backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        state = State.IDLE;
    }

    /**
     * Padding to send now on top of the media, in bits per second: while probing, the gap between the
     * target and {@code mediaBps} (the rate of the media being sent), never more than
     * {@code maxPaddingBps}; 0 otherwise.
     */
    public long paddingBps(long mediaBps) {
        if (state != State.PROBING) {
            return 0;
        }
        return Math.max(0, Math.min(maxPaddingBps, targetBps - Math.max(0, mediaBps)));
    }

    /** The rate a probe just showed the path carries, once; -1 when there is none. */
    public long takeResult() {
        long r = result;
        result = -1;
        return r;
    }

    public State state() {
        return state;
    }

    public long targetBps() {
        return targetBps;
    }

    public int probes() {
        return probes;
    }

    public int successes() {
        return successes;
    }
}
