// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.common.RateLimiter;
import dev.porta.common.RateLimits;
import java.time.Clock;
import java.time.Duration;

/** Rate limiters whose buckets every node shares in Redis (maxKeys does not apply: idle buckets expire). */
public record RedisRateLimits(Redis redis, Clock clock) implements RateLimits {
    @Override
    public RateLimiter limiter(String name, int burst, Duration per, int maxKeys) {
        return new RateLimiter(new RedisTokenBuckets(redis, name, burst, per, clock));
    }
}
