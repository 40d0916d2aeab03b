// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A token bucket per key (client address, meeting, app) for what can be guessed: passcodes, secrets,
 * failed sign-ins. The buckets live in this process ({@link LocalTokenBuckets}: bounded, least recently
 * used key forgotten first) or in a store every node shares ({@link TokenBuckets}); see {@link RateLimits}.
 *
 * <p>Callers guarding slow or secret-dependent work reserve an attempt <em>before</em> the work
 * ({@link #tryAcquireAll}: check and charge in one step, so a concurrent burst cannot slip past the
 * check) and {@link #refund} it when the attempt succeeds; only failures then stay charged.
 */
public final class RateLimiter {
    private final TokenBuckets buckets;

    /**
     * Buckets in this process.
     *
     * @param burst  attempts allowed at once
     * @param per    the time in which {@code burst} attempts are refilled
     * @param maxKeys the most keys remembered at once
     */
    public RateLimiter(int burst, Duration per, int maxKeys, Clock clock) {
        this(new LocalTokenBuckets(burst, per, maxKeys, clock));
    }

    public RateLimiter(TokenBuckets buckets) {
        this.buckets = buckets;
    }

    /** Takes one attempt for {@code key}; false when the key has used up its attempts for now. */
    public boolean tryAcquire(String key) {
        return buckets.tryAcquireAll(List.of(key));
    }

    /**
     * Takes one attempt from every key, or from none: false (and nothing charged) when any key has used
     * up its attempts for now. Checking and charging are one atomic step.
     */
    public boolean tryAcquireAll(String... keys) {
        return buckets.tryAcquireAll(List.of(keys));
    }

    /** Gives back an attempt taken for {@code key} (the attempt succeeded); never above the burst. */
    public void refund(String... keys) {
        buckets.refund(List.of(keys));
    }

    /** The longest {@link #retryAfter} of these keys. */
    public Duration retryAfterAny(String... keys) {
        Duration wait = Duration.ZERO;
        for (String key : keys) {
            Duration w = retryAfter(key);
            wait = w.compareTo(wait) > 0 ? w : wait;
        }
        return wait;
    }

    /** How long until {@code key} may try again; zero when it may now. */
    public Duration retryAfter(String key) {
        return buckets.retryAfter(key);
    }
}
