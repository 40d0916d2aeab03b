// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.cluster.Redis;
import dev.porta.cluster.RedisAuthorizationCodes;
import dev.porta.cluster.RedisRateLimits;
import dev.porta.cluster.RedisRevocations;
import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import dev.porta.common.RateLimits;
import dev.porta.common.Revocations;
import dev.porta.directory.oauth.AuthorizationCodeStore;
import dev.porta.directory.oauth.AuthorizationCodes;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the nodes of a cluster share, chosen once from {@code cluster.*}: with {@code cluster.redis-url}
 * set, rate-limit buckets, authorization codes and revocations live in Redis; without it, in this
 * process (one node). Every other wiring class takes its limiters, codes and revocations from here.
 */
final class ClusterWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

    private final String nodeId;
    private final Redis redis; // null: one node
    private final RateLimits rateLimits;
    private final Revocations revocations;
    private final AuthorizationCodeStore codes;

    ClusterWiring(Config config, Clock clock) {
        this.nodeId = nodeId(config);
        String url = config.string("cluster.redis-url");
        if (url.isBlank()) {
            this.redis = null;
            this.rateLimits = RateLimits.local(clock);
            this.revocations = Revocations.local();
            this.codes = new AuthorizationCodes(clock);
            return;
        }
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ConfigException("cluster.redis-url", "must be a redis:// or rediss:// URL");
        }
        Duration timeout = config.duration("cluster.redis-timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException("cluster.redis-timeout", "must be positive, got " + timeout);
        }
        try {
            this.redis = Redis.connect(url, config.string("cluster.redis-key-prefix"), timeout);
        } catch (RuntimeException e) {
            // the URL may hold a password: name the key, not the value
            throw new ConfigException("cluster.redis-url", "Redis could not be reached (" + e.getClass().getSimpleName() + ")");
        }
        this.rateLimits = new RedisRateLimits(redis, clock);
        this.revocations = new RedisRevocations(redis, nodeId);
        this.codes = new RedisAuthorizationCodes(redis, clock);
        LOG.info("Cluster node {}: rate limits, authorization codes and revocations shared in Redis (prefix '{}')",
                nodeId, redis.prefix());
    }

    private static String nodeId(Config config) {
        String id = config.string("cluster.node-id").strip();
        if (id.isEmpty()) {
            return "node-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("cluster.node-id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    String nodeId() {
        return nodeId;
    }

    RateLimits rateLimits() {
        return rateLimits;
    }

    Revocations revocations() {
        return revocations;
    }

    AuthorizationCodeStore authorizationCodes() {
        return codes;
    }

    /** Redis, when this node is part of a cluster (readiness checks it). */
    Optional<Redis> redis() {
        return Optional.ofNullable(redis);
    }

    @Override
    public void close() {
        revocations.close();
        if (redis != null) {
            redis.close();
        }
    }
}
