// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.cluster.TestRedis;
import dev.porta.common.testing.TestDatabases;
import dev.porta.server.RunningPorta;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Two Porta nodes on one PostgreSQL and one Redis, for the browser tests of a cluster. Node B plays the load
 * balancer: every page, link and token names it ({@code http.public-host}); meetings are homed on node A
 * ({@link #homeOnA}), so a browser that joins at B is sent to A. Each node has its own HTTP and media ports on
 * 127.0.0.1.
 */
final class TwoNodeCluster implements AutoCloseable {
    final TestRedis redis;
    final TestDatabases.EmptyPostgres postgres;
    final RunningPorta nodeA;
    final RunningPorta nodeB;
    final int portA;
    final int portB;
    /** How long a node's lease on its meetings lasts without its heartbeat (how soon a dead node's meetings move). */
    final Duration lease;

    private TwoNodeCluster(TestRedis redis, TestDatabases.EmptyPostgres postgres, RunningPorta nodeA, RunningPorta nodeB,
                           int portA, int portB, Duration lease) {
        this.redis = redis;
        this.postgres = postgres;
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.portA = portA;
        this.portB = portB;
        this.lease = lease;
    }

    /**
     * Starts both nodes with the sample pages on.
     * @param lease the nodes' lease ({@code cluster.lease}; the heartbeat a quarter of it), or null for the default
     */
    static TwoNodeCluster start(Duration lease) throws IOException {
        TestRedis redis = TestRedis.start();
        TestDatabases.EmptyPostgres postgres = TestDatabases.emptyPostgres();
        int portA = freePort();
        int portB = freePort();
        Map<String, String> shared = new HashMap<>(Map.of("db.url", postgres.url(), "db.user", postgres.user(), "db.password", "",
                "cluster.redis-url", redis.url(), "cluster.redis-key-prefix", redis.prefix(),
                "http.public-host", "localhost:" + portB, "web.examples-enabled", "true",
                "cluster.node-origins", "https://localhost:" + portA + ",https://localhost:" + portB));
        if (lease != null) {
            shared.put("cluster.lease", lease.toMillis() + "ms");
            shared.put("cluster.heartbeat-interval", Math.max(100, lease.toMillis() / 4) + "ms");
        }
        RunningPorta nodeA = RunningPorta.start(with(shared, Map.of("cluster.node-id", "node-a", "http.port", Integer.toString(portA),
                "cluster.node-url", "https://localhost:" + portA + "/")), Clock.systemUTC());
        RunningPorta nodeB = RunningPorta.anotherNode(nodeA, with(shared, Map.of("cluster.node-id", "node-b",
                "http.port", Integer.toString(portB), "cluster.node-url", "https://localhost:" + portB + "/")), Clock.systemUTC());
        return new TwoNodeCluster(redis, postgres, nodeA, nodeB, portA, portB, lease == null ? Duration.ofSeconds(60) : lease);
    }

    /** A meeting of the demo tenant's first member, through B's Graph API; everyone bypasses its lobby. */
    OnlineMeeting scheduleMeeting(String subject) {
        return GraphSdk.scheduleAsDemoOrganizer(nodeB, subject, LobbyBypassScope.Everyone);
    }

    /**
     * Makes A the meeting's home, as a first join there would have (placement by load is tested in porta-cluster):
     * a lease on it for A, long enough for browsers to start and join; once the meeting lives on A, A's
     * heartbeat renews it for {@link #lease} at a time.
     */
    void homeOnA(String meetingId) {
        try (var r = redis.connect()) {
            r.commands().psetex(r.key("home:" + meetingId), 60_000, "node-a");
        }
    }

    /** The node the meeting's home lease names now, or null. */
    String homeOf(String meetingId) {
        try (var r = redis.connect()) {
            return r.commands().get(r.key("home:" + meetingId));
        }
    }

    String socketOfA() {
        return "wss://localhost:" + portA + "/calling/v1";
    }

    String socketOfB() {
        return "wss://localhost:" + portB + "/calling/v1";
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nodeB, nodeA, postgres, redis}) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e); // node A may be crashed already
            }
        }
    }

    private static Map<String, String> with(Map<String, String> shared, Map<String, String> own) {
        Map<String, String> m = new HashMap<>(shared);
        m.putAll(own);
        return m;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
