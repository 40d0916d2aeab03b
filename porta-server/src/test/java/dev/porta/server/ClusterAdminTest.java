// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.cluster.NodeStatus;
import dev.porta.cluster.Redis;
import dev.porta.cluster.RedisMeetingPlacement;
import dev.porta.cluster.TestRedis;
import dev.porta.common.MeetingPlacement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code porta admin cluster} over the real registry in Redis (two nodes registered as their heartbeat does). */
class ClusterAdminTest {

    @Test
    void adminClusterListsEachLiveNodeWithItsLoadAndTheMeetingsItIsHomeTo(@TempDir Path dir) throws Exception {
        try (TestRedis redis = TestRedis.start(); Redis a = redis.connect(); Redis b = redis.connect()) {
            var nodeA = new RedisMeetingPlacement(a, "node-a", Duration.ofSeconds(30), Clock.systemUTC());
            var nodeB = new RedisMeetingPlacement(b, "node-b", Duration.ofSeconds(30), Clock.systemUTC());
            nodeA.heartbeat(new NodeStatus(URI.create("https://10.0.0.11:8443/"), List.of("10.0.0.11"), 0, 0, 0), List.of());
            nodeB.heartbeat(new NodeStatus(URI.create("https://10.0.0.12:8443/"), List.of("10.0.0.12"), 0, 7, 0), List.of());
            assertThat(nodeA.place("weekly-sync")).isEqualTo(MeetingPlacement.HERE);
            nodeA.heartbeat(new NodeStatus(URI.create("https://10.0.0.11:8443/"), List.of("10.0.0.11"), 1, 2, 300), List.of("weekly-sync"));
            Path conf = dir.resolve("porta.conf");
            Files.writeString(conf, "cluster.redis-url = " + redis.url() + "\ncluster.redis-key-prefix = " + redis.prefix() + "\n");

            String table = run("admin", "cluster", "--config", conf.toString());
            JsonNode json = new ObjectMapper().readTree(run("admin", "cluster", "--json", "--config", conf.toString()));

            assertThat(table.lines().toList()).hasSize(3);
            assertThat(table).containsPattern("node-a +live +https://10\\.0\\.0\\.11:8443/ +1 +2 +300 +\\d+\\.\\ds +weekly-sync")
                    .containsPattern("node-b +live +https://10\\.0\\.0\\.12:8443/ +0 +7 +0 +\\d+\\.\\ds +-");
            assertThat(json).hasSize(2);
            assertThat(json.get(0).path("nodeId").asText()).isEqualTo("node-a");
            assertThat(json.get(0).path("homes").get(0).asText()).isEqualTo("weekly-sync");
            assertThat(json.get(1).path("participants").asInt()).isEqualTo(7);
        }
    }

    @Test
    void adminDrainFlagsALiveNodeWhichAdminClusterThenListsAsDrainingAndUndrainTakesItBack(@TempDir Path dir) throws Exception {
        try (TestRedis redis = TestRedis.start(); Redis a = redis.connect()) {
            var nodeA = new RedisMeetingPlacement(a, "node-a", Duration.ofSeconds(30), Clock.systemUTC());
            nodeA.heartbeat(new NodeStatus(URI.create("https://10.0.0.11:8443/"), List.of("10.0.0.11"), 0, 0, 0), List.of());
            Path conf = dir.resolve("porta.conf");
            Files.writeString(conf, "cluster.redis-url = " + redis.url() + "\ncluster.redis-key-prefix = " + redis.prefix() + "\n");

            assertThat(run("admin", "drain", "node-a", "--config", conf.toString())).contains("node node-a is draining");
            assertThat(run("admin", "cluster", "--config", conf.toString())).containsPattern("node-a +draining +https://10\\.0\\.0\\.11:8443/");
            assertThat(new ObjectMapper().readTree(run("admin", "cluster", "--json", "--config", conf.toString())).get(0).path("draining")
                    .asBoolean()).isTrue();
            nodeA.heartbeat(new NodeStatus(URI.create("https://10.0.0.11:8443/"), List.of("10.0.0.11"), 0, 0, 0), List.of());
            assertThat(nodeA.drainFlagged()).isTrue(); // what the node itself sees at its next heartbeat

            assertThat(run("admin", "undrain", "node-a", "--config", conf.toString())).contains("node node-a takes new meetings again");
            assertThat(run("admin", "cluster", "--config", conf.toString())).containsPattern("node-a +live ");
        }
    }

    @Test
    void adminDrainOfANodeThatIsNotLiveSaysSoAndFlagsNothing(@TempDir Path dir) throws Exception {
        try (TestRedis redis = TestRedis.start(); Redis a = redis.connect()) {
            new RedisMeetingPlacement(a, "node-a", Duration.ofSeconds(30), Clock.systemUTC())
                    .heartbeat(new NodeStatus(URI.create("https://10.0.0.11:8443/"), List.of("10.0.0.11"), 0, 0, 0), List.of());
            Path conf = dir.resolve("porta.conf");
            Files.writeString(conf, "cluster.redis-url = " + redis.url() + "\ncluster.redis-key-prefix = " + redis.prefix() + "\n");

            for (String node : List.of("node-x", "../node-a", "")) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int status = Main.run(new String[] {"admin", "drain", node, "--config", conf.toString()},
                        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
                assertThat(status).as(node).isEqualTo(2);
                assertThat(err.toString(StandardCharsets.UTF_8)).as(node)
                        .containsAnyOf("no live node 'node-x' in the cluster registry", "is not a node id");
            }
            assertThat(a.commands().keys(a.key("drain:*"))).isEmpty();
        }
    }

    @Test
    void adminDrainOnOneNodeSaysToStopItInstead() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"admin", "drain", "node-a"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cluster.redis-url is not set").contains("SIGTERM");
    }

    @Test
    void adminClusterOnOneNodeSaysThereIsNoCluster() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"admin", "cluster"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(status).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cluster.redis-url is not set");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out), new PrintStream(err));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
