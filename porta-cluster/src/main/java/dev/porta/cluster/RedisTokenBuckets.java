// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.common.TokenBuckets;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis, shared by every node: one Lua script checks and charges all keys at once, so
 * a burst spread over the nodes gets one allowance. Time is the node's clock (nodes keep time with
 * NTP; a clock behind the last writer's only delays refilling). When Redis cannot be reached, attempts
 * are refused (fail closed: a guessing attacker must not gain from an outage) and refunds are dropped.
 */
public final class RedisTokenBuckets implements TokenBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenBuckets.class);
    private static final LuaScript SCRIPT = LuaScript.load("token-buckets.lua");
    /** What a caller is told to wait while Redis is unreachable. */
    private static final Duration UNREACHABLE_WAIT = Duration.ofSeconds(5);

    private final Redis redis;
    private final String namespace;
    private final String burst;
    private final String refillPerMicro;
    private final String lifetimeMillis;
    private final Clock clock;

    /**
     * @param name  the limiter's name: its keys are {@code <prefix>rl:<name>:<key>}
     * @param burst attempts allowed at once
     * @param per   the time in which {@code burst} attempts are refilled
     */
    public RedisTokenBuckets(Redis redis, String name, int burst, Duration per, Clock clock) {
        if (burst < 1 || per.isNegative() || per.isZero() || name.isBlank()) {
            throw new IllegalArgumentException("name, burst and period must be given and positive");
        }
        this.redis = redis;
        this.namespace = redis.key("rl:" + name + ":");
        this.burst = Integer.toString(burst);
        long perMicros = Math.max(1, per.toNanos() / 1000);
        this.refillPerMicro = Double.toString(burst / (double) perMicros);
        this.lifetimeMillis = Long.toString(per.toMillis() + 1000);
        this.clock = clock;
    }

    @Override
    public boolean tryAcquireAll(List<String> keys) {
        try {
            Long taken = run(keys, "take");
            return taken != null && taken == 1;
        } catch (RuntimeException e) {
            LOG.warn("rate limit refused: Redis unreachable ({})", e.toString());
            return false;
        }
    }

    @Override
    public void refund(List<String> keys) {
        try {
            run(keys, "refund");
        } catch (RuntimeException e) {
            LOG.warn("rate limit refund dropped: Redis unreachable ({})", e.toString());
        }
    }

    @Override
    public Duration retryAfter(String key) {
        try {
            Long micros = run(List.of(key), "wait");
            return micros == null ? UNREACHABLE_WAIT : Duration.ofNanos(micros * 1000);
        } catch (RuntimeException e) {
            return UNREACHABLE_WAIT;
        }
    }

    private Long run(List<String> keys, String operation) {
        if (keys.isEmpty()) {
            return 1L;
        }
        List<String> redisKeys = keys.stream().map(k -> namespace + k).toList();
        return redis.eval(SCRIPT, ScriptOutputType.INTEGER, redisKeys, burst, refillPerMicro, Long.toString(micros()),
                lifetimeMillis, operation);
    }

    private long micros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
