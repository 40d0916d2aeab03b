// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token buckets in this process's memory. The number of keys remembered is bounded; the least
 * recently used key is forgotten first, so a flood of distinct keys costs bounded memory.
 */
public final class LocalTokenBuckets implements TokenBuckets {
    private final int burst;
    private final double refillPerNano;
    private final Clock clock;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    public LocalTokenBuckets(int burst, Duration per, int maxKeys, Clock clock) {
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

    @Override
    public synchronized boolean tryAcquireAll(List<String> keys) {
        long now = nanos();
        Bucket[] taken = new Bucket[keys.size()];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = refilled(keys.get(i), now);
            if (taken[i].tokens < 1) {
                return false;
            }
        }
        for (Bucket b : taken) {
            b.tokens -= 1;
        }
        return true;
    }

    @Override
    public synchronized void refund(List<String> keys) {
        long now = nanos();
        for (String key : keys) {
            Bucket b = refilled(key, now);
            b.tokens = Math.min(burst, b.tokens + 1);
        }
    }

    @Override
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

    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
