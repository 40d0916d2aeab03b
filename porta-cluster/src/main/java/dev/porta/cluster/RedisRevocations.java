// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.common.Revocations;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocations broadcast to every node over Redis pub/sub (channel {@code <prefix>revocations}). The
 * publishing node tells its own listeners at once, without waiting for Redis, and skips its own message
 * when it comes back; a message carries the publishing node's id for that. Pub/sub delivers to the nodes
 * connected now: a node cut off from Redis misses what is said meanwhile, which is why every reconnect
 * also checks the token again ({@code AccessTokenVerifier}, the directory's token verifier).
 */
public final class RedisRevocations implements Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRevocations.class);
    private static final char SEPARATOR = '\n';

    private final Redis redis;
    private final String nodeId;
    private final String channel;
    private final Revocations.Local here = new Revocations.Local();
    private final StatefulRedisPubSubConnection<String, String> subscription;

    public RedisRevocations(Redis redis, String nodeId) {
        if (nodeId.isBlank() || nodeId.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a node id is one non-empty line");
        }
        this.redis = redis;
        this.nodeId = nodeId;
        this.channel = redis.key("revocations");
        this.subscription = redis.pubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (channel.equals(from)) {
                    heard(message);
                }
            }
        });
        subscription.sync().subscribe(channel);
    }

    @Override
    public void publish(String identity) {
        here.publish(identity);
        try {
            redis.commands().publish(channel, nodeId + SEPARATOR + identity);
        } catch (RuntimeException e) {
            LOG.warn("revocation of {} not broadcast: Redis unreachable ({}); other nodes learn of it at its next token check",
                    identity, e.toString());
        }
    }

    @Override
    public void subscribe(Consumer<String> listener) {
        here.subscribe(listener);
    }

    private void heard(String message) {
        int at = message.indexOf(SEPARATOR);
        if (at < 0 || message.substring(0, at).equals(nodeId)) {
            return; // malformed, or our own (already delivered here)
        }
        try {
            here.publish(message.substring(at + 1));
        } catch (RuntimeException e) {
            LOG.warn("a revocation listener failed", e);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
