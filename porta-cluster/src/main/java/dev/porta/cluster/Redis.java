// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one Redis of a cluster, through Lettuce: one multiplexed connection for commands (thread-safe),
 * a key prefix that keeps this deployment's keys (or a test's) apart from others in the same Redis, and
 * a command timeout so that a node never hangs on a dead Redis (callers fail closed instead).
 */
public final class Redis implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private final RedisClient client;
    private final ClientResources resources;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;

    private Redis(RedisClient client, ClientResources resources, StatefulRedisConnection<String, String> connection, String prefix) {
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.prefix = prefix;
    }

    /**
     * Connects to {@code url} ({@code redis://host:port/db}, {@code rediss://} for TLS).
     *
     * @param prefix  put in front of every key and channel of this deployment
     * @param timeout the longest a command may take before it fails
     */
    public static Redis connect(String url, String prefix, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        // Setting up a connection (HELLO, SELECT) may take longer than a command on a cold or loaded JVM: it gets at
        // least CONNECT_TIMEOUT, so that start-up does not fail on a Redis that answers; commands get timeout.
        uri.setTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? CONNECT_TIMEOUT : timeout);
        // Reconnect at least every second (Lettuce's default backs off to 30 s): a node whose Redis came back
        // must beat again, and take its meetings' leases back, well within one lease time (heartbeat.lua).
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            connection.setTimeout(timeout);
            return new Redis(client, resources, connection, prefix);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The key (or channel) {@code name} of this deployment. */
    public String key(String name) {
        return prefix + name;
    }

    public String prefix() {
        return prefix;
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** A new connection for subscriptions (a subscribed connection can do nothing else). */
    StatefulRedisPubSubConnection<String, String> pubSub() {
        return client.connectPubSub();
    }

    /** Whether Redis answers now (readiness). */
    public boolean isReachable() {
        try {
            return "PONG".equals(commands().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs a Lua script by its digest, loading it first when Redis does not know it (a restart forgets scripts). */
    <T> T eval(LuaScript script, ScriptOutputType type, List<String> keys, String... args) {
        RedisCommands<String, String> c = commands();
        String[] k = keys.toArray(String[]::new);
        try {
            return c.evalsha(script.sha1(), type, k, args);
        } catch (io.lettuce.core.RedisNoScriptException e) {
            return c.eval(script.source(), type, k, args);
        }
    }

    @Override
    public void close() {
        connection.close();
        // no quiet period: nothing is in flight once the connection is closed, and a node (or test) stops faster
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS); // the client does not shut down resources it was given
    }
}
