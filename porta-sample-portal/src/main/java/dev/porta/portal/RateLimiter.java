// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** A token bucket per key (the visitor's address), with a bounded number of keys remembered. */
final class RateLimiter {
    private final int burst;
    private final double perSecond;
    private final Clock clock;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > 10_000;
        }
    };

    RateLimiter(int burst, double perSecond, Clock clock) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Whether {@code key} may make one more request now. */
    synchronized boolean tryAcquire(String key) {
        double now = clock.millis() / 1000.0;
        double[] b = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
        b[0] = Math.min(burst, b[0] + (now - b[1]) * perSecond);
        b[1] = now;
        if (b[0] < 1) {
            return false;
        }
        b[0] -= 1;
        return true;
    }

    /** Gives back what {@link #tryAcquire} took, for attempts that turned out to be legitimate. */
    synchronized void refund(String key) {
        double[] b = buckets.get(key);
        if (b != null) {
            b[0] = Math.min(burst, b[0] + 1);
        }
    }
}
