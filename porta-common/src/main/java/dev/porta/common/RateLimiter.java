// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (client address, meeting, app) for what can be guessed: passcodes, secrets,
 * failed sign-ins. The number of keys it remembers is bounded; the least recently used key is
 * forgotten first, so a flood of distinct keys costs bounded memory.
 *
 * <p>Callers guarding slow or secret-dependent work reserve an attempt <em>before</em> the work
 * ({@link #tryAcquireAll}: check and charge in one step, so a concurrent burst cannot slip past the
 * check) and {@link #refund} it when the attempt succeeds; only failures then stay charged.
 */
public final class RateLimiter {
    private final int burst;
    private final double refillPerNano;
    private final Clock clock;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    /**
     * @param burst  attempts allowed at once
     * @param per    the time in which {@code burst} attempts are refilled
     * @param maxKeys the most keys remembered at once
     */
    public RateLimiter(int burst, Duration per, int maxKeys, Clock clock) {
        if (burst < 1 || per.isNegative() || per.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("burst, period and maxKeys must be positive");
        }
        this.burst = burst;
        this.refillPerNano = burst / (double) per.toNanos();
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one attempt for {@code key}; false when the key has used up its attempts for now. */
    public synchronized boolean tryAcquire(String key) {
        return tryAcquireAll(key);
    }

    /**
     * Takes one attempt from every key, or from none: false (and nothing charged) when any key has used
     * up its attempts for now. Checking and charging happen under one lock.
     */
    public synchronized boolean tryAcquireAll(String... keys) {
        long now = nanos();
        Bucket[] taken = new Bucket[keys.length];
        for (int i = 0; i < keys.length; i++) {
            taken[i] = refilled(keys[i], now);
            if (taken[i].tokens < 1) {
                return false;
            }
        }
        for (Bucket b : taken) {
            b.tokens -= 1;
        }
        return true;
    }

    /** Gives back an attempt taken for {@code key} (the attempt succeeded); never above the burst. */
    public synchronized void refund(String... keys) {
        long now = nanos();
        for (String key : keys) {
            Bucket b = refilled(key, now);
            b.tokens = Math.min(burst, b.tokens + 1);
        }
    }

    private Bucket refilled(String key, long now) {
        Bucket b = buckets.computeIfAbsent(key, k -> {
            Bucket nb = new Bucket();
            nb.tokens = burst;
            nb.lastNanos = now;
            return nb;
        });
        b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) * refillPerNano);
        b.lastNanos = now;
        return b;
    }

    /** The longest {@link #retryAfter} of these keys. */
    public synchronized Duration retryAfterAny(String... keys) {
        Duration wait = Duration.ZERO;
        for (String key : keys) {
            Duration w = retryAfter(key);
            wait = w.compareTo(wait) > 0 ? w : wait;
        }
        return wait;
    }

    /** How long until {@code key} may try again; zero when it may now. */
    public synchronized Duration retryAfter(String key) {
        Bucket b = buckets.get(key);
        if (b == null) {
            return Duration.ZERO;
        }
        double tokens = Math.min(burst, b.tokens + (nanos() - b.lastNanos) * refillPerNano);
        if (tokens >= 1) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / refillPerNano));
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
