// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.time.Clock;
import java.time.Duration;

/**
 * Makes the rate limiters of a node; chosen once in the wiring: buckets in this process by default,
 * or buckets shared by every node of a cluster.
 */
@FunctionalInterface
public interface RateLimits {
    /**
     * @param name    what the limiter guards, unique per limiter (shared buckets are kept apart by it)
     * @param burst   attempts allowed at once
     * @param per     the time in which {@code burst} attempts are refilled
     * @param maxKeys the most keys a node remembers at once (in-process buckets only; shared ones expire)
     */
    RateLimiter limiter(String name, int burst, Duration per, int maxKeys);

    /** Buckets in this process: every node counts on its own. */
    static RateLimits local(Clock clock) {
        return (name, burst, per, maxKeys) -> new RateLimiter(burst, per, maxKeys, clock);
    }
}
