// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.common.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate-limit buckets in the real Redis, shared by two nodes (two clients, two limiters). */
class RedisTokenBucketsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private TestRedis redis;
    private Redis nodeA;
    private Redis nodeB;

    @BeforeEach
    void connect() {
        redis = TestRedis.start();
        nodeA = redis.connect();
        nodeB = redis.connect();
    }

    @AfterEach
    void cleanUp() {
        nodeA.close();
        nodeB.close();
        redis.close();
    }

    private RateLimiter limiter(Redis node, int burst, Duration per) {
        return new RedisRateLimits(node, clock).limiter("passcodes", burst, per, 1);
    }

    @Test
    void aParallelBurstSpreadOverTwoNodesGetsOneAllowanceNotOnePerNode() throws Exception {
        RateLimiter a = limiter(nodeA, 5, Duration.ofMinutes(15));
        RateLimiter b = limiter(nodeB, 5, Duration.ofMinutes(15));

        List<Boolean> results = dev.porta.common.testing.Bursts.run(60, i -> (i % 2 == 0 ? a : b).tryAcquireAll("client:203.0.113.9", "meeting:42"));

        assertThat(results.stream().filter(ok -> ok).count()).isEqualTo(5);
        assertThat(a.tryAcquire("client:203.0.113.9")).isFalse();
        assertThat(b.retryAfter("meeting:42")).isEqualTo(Duration.ofMinutes(3)); // one attempt per 15m/5
    }

    @Test
    void anAttemptRefusedForOneKeyChargesNoneOfTheOthers() {
        RateLimiter a = limiter(nodeA, 2, Duration.ofMinutes(1));
        RateLimiter b = limiter(nodeB, 2, Duration.ofMinutes(1));
        assertThat(a.tryAcquire("meeting")).isTrue();
        assertThat(b.tryAcquire("meeting")).isTrue();

        assertThat(a.tryAcquireAll("client", "meeting")).isFalse();

        assertThat(b.tryAcquire("client")).isTrue();
        assertThat(b.tryAcquire("client")).isTrue(); // both of client's attempts were still there
        assertThat(b.tryAcquire("client")).isFalse();
    }

    @Test
    void aSuccessRefundedOnOneNodeIsAnAttemptAgainOnTheOtherButNeverAboveTheBurst() {
        RateLimiter a = limiter(nodeA, 1, Duration.ofMinutes(10));
        RateLimiter b = limiter(nodeB, 1, Duration.ofMinutes(10));
        assertThat(a.tryAcquire("secret:app")).isTrue();
        assertThat(b.tryAcquire("secret:app")).isFalse();

        a.refund("secret:app");
        a.refund("secret:app");

        assertThat(b.tryAcquire("secret:app")).isTrue();
        assertThat(a.tryAcquire("secret:app")).isFalse();
    }

    @Test
    void bucketsRefillWithTimeAndAreForgottenInRedisOnceFull() {
        RateLimiter a = limiter(nodeA, 2, Duration.ofSeconds(10));
        RateLimiter b = limiter(nodeB, 2, Duration.ofSeconds(10));
        assertThat(a.tryAcquire("k")).isTrue();
        assertThat(a.tryAcquire("k")).isTrue();
        assertThat(b.tryAcquire("k")).isFalse();
        assertThat(b.retryAfter("k")).isEqualTo(Duration.ofSeconds(5));

        clock.advance(Duration.ofSeconds(5));

        assertThat(b.retryAfter("k")).isEqualTo(Duration.ZERO);
        assertThat(b.tryAcquire("k")).isTrue();
        assertThat(a.tryAcquire("k")).isFalse();
        Long ttl = nodeA.commands().pttl(nodeA.key("rl:passcodes:k"));
        assertThat(ttl).isPositive().isLessThanOrEqualTo(11_000L);
    }

    @Test
    void aRedisThatForgotTheScriptAfterARestartIsTaughtItAgainAndKeepsCounting() {
        RateLimiter a = limiter(nodeA, 2, Duration.ofMinutes(1));
        assertThat(a.tryAcquire("k")).isTrue();

        nodeB.commands().scriptFlush(); // what a restarted Redis knows of scripts: nothing

        assertThat(a.tryAcquire("k")).isTrue();
        assertThat(limiter(nodeB, 2, Duration.ofMinutes(1)).tryAcquire("k")).isFalse();
    }

    @Test
    void whileRedisCannotBeReachedEveryAttemptIsRefused() {
        RateLimiter a = limiter(nodeA, 5, Duration.ofMinutes(1));
        assertThat(a.tryAcquire("k")).isTrue();

        nodeA.close(); // this node has lost Redis

        assertThat(a.tryAcquire("k")).isFalse();
        assertThat(a.retryAfter("k")).isPositive();
        a.refund("k"); // dropped, and no exception reaches the caller
    }
}
