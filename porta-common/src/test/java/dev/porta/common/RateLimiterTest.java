// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void allowsTheBurstThenRefusesUntilTimeRefills() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), 100, clock);

        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(20));

        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    }

    @Test
    void keysAreLimitedIndependently() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), 100, clock);

        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isFalse();
        assertThat(limiter.tryAcquire("b")).isTrue();
    }

    @Test
    void remembersAtMostMaxKeys() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofHours(1), 2, clock);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        limiter.tryAcquire("c"); // forgets "a", the least recently used

        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("c")).isFalse();
    }

    @Test
    void aParallelBurstGetsExactlyTheBurst() throws Exception {
        RateLimiter limiter = new RateLimiter(10, Duration.ofMinutes(1), 100, clock);

        var results = dev.porta.common.testing.Bursts.run(100, i -> limiter.tryAcquireAll("ip:10.0.0.1", "user:adele"));

        assertThat(results).filteredOn(ok -> ok).hasSize(10);
    }

    @Test
    void aRefusedMultiKeyAttemptChargesNoKey() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), 100, clock);
        assertThat(limiter.tryAcquire("user:adele")).isTrue();

        assertThat(limiter.tryAcquireAll("ip:10.0.0.1", "user:adele")).isFalse();

        assertThat(limiter.tryAcquire("ip:10.0.0.1")).as("the address kept its attempt").isTrue();
    }

    @Test
    void aRefundGivesTheAttemptBackButNeverMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofMinutes(1), 100, clock);
        limiter.refund("a");
        limiter.refund("a");

        assertThat(limiter.tryAcquire("a")).isTrue();
        limiter.refund("a");
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isFalse();
    }
}
