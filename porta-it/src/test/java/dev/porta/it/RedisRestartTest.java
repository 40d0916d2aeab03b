// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.ChaosCluster.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.cluster.Redis;
import dev.porta.cluster.RedisMeetingPlacement;
import dev.porta.cluster.ClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chaos: the cluster's Redis is killed in the middle of a meeting and started again empty (no persistence),
 * as docs/cluster.md ("What happens when…") says: while it is gone both nodes are alive but not ready and
 * place no meeting, and the live meeting goes on for those in it; once it is back both nodes register again,
 * the home takes its meeting's lease back before anyone can give the meeting a second home, and joins work
 * again. Redis is the test's own redis-server (a real process on a free port); the two nodes run in this JVM
 * on the test's own PostgreSQL (a
 * namespace without network, as ./run-tests runs this tag, reaches no shared one).
 */
@Tag("chaos")
class RedisRestartTest {
    private static final long LEASE_MS = 2000; // ChaosCluster's
    private ChaosCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMeetingOutlivesARedisRestartOnItsHomeAndGetsNoSecondHome() throws Exception {
        cluster = ChaosCluster.start(Map.of());
        OwnRedis redis = cluster.redis;
        OnlineMeeting meeting = cluster.scheduleMeeting("Outlives its Redis");
        OnlineMeeting other = cluster.scheduleMeeting("Starts while Redis is gone");
        String guestToken = cluster.guestToken();
        // issued before the outage: the Identity API's shared rate limit fails closed without Redis (429)
        String[] more = {cluster.guestToken(), cluster.guestToken(), cluster.guestToken(), cluster.guestToken()};

        try (var organizer = cluster.client(cluster.a); var guest = cluster.client(cluster.a)) {
            join(organizer, cluster.organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            join(guest, guestToken, meeting, "Pat Guest");
            String guestId = guest.awaitState("InLobby").get("participantId").asText();
            organizer.send("admit", "id", "a1", "participantId", guestId);
            guest.awaitState("Connected");
            assertThat(homeOf(meeting)).isEqualTo("node-a");

            redis.kill();

            // alive, not ready: the load balancer sends new clients elsewhere
            for (var node : List.of(cluster.a, cluster.b)) {
                assertThat(cluster.awaitAnswer(node, "/health/ready", "503", Duration.ofSeconds(5))).contains("\"redis\":\"DOWN\"");
                assertThat(cluster.get(node, "/health/live")).isEqualTo("200 {\"status\":\"UP\"}");
            }
            // no placement: a join for a meeting not live anywhere is refused, retryable
            try (var newcomer = cluster.client(cluster.b)) {
                join(newcomer, more[0], other, "New Comer");
                SignalingClient.assertEndReason(newcomer.awaitState("Disconnected"), 503, 7102);
            }
            // and so is a join for the live meeting (no node can tell whether it is still the home)
            try (var late = cluster.client(cluster.a)) {
                join(late, more[1], meeting, "Late Comer");
                SignalingClient.assertEndReason(late.awaitState("Disconnected"), 503, 7102);
            }
            // the live meeting goes on for those in it, longer than a lease
            Thread.sleep(LEASE_MS + 500);
            organizer.send("chat", "id", "c1", "text", "Redis is gone, we are not");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            assertThat(guest.await("chatMessage").path("text").asText()).isEqualTo("Redis is gone, we are not");
            organizer.send("raiseHand", "id", "h1"); // (guests may not, by the default policy)
            organizer.await("ack", f -> f.path("id").asText().equals("h1"));
            assertThat(guest.await("rosterDelta", f -> f.toString().contains("\"handRaised\":true"))).isNotNull();

            redis.restart(); // empty: every registration, lease and flag is gone
            long back = System.nanoTime();

            // a join for the live meeting through the other node, as soon as it can be tried: it must end at
            // the home (joinElsewhere), possibly after "unavailable" while the nodes take their leases back,
            // never served by node B
            List<String> answers = new ArrayList<>();
            try (var rejoiner = cluster.joinFollowing(cluster.socketB, more[2], meeting, "Third Guest",
                    Duration.ofSeconds(20), answers)) {
                assertThat(answers.getLast()).as(answers.toString()).isEqualTo(cluster.socketA.getPort() + ":InLobby");
            }
            System.out.printf("Redis restart: a join through node B reached the home after %d ms: %s%n",
                    (System.nanoTime() - back) / 1_000_000, answers);
            assertThat(cluster.b.server().calling().meetings()).extracting(m -> m.meetingId()).doesNotContain(meeting.getId());
            assertThat(homeOf(meeting)).isEqualTo("node-a");
            for (var node : List.of(cluster.a, cluster.b)) {
                cluster.awaitAnswer(node, "/health/ready", "200", Duration.ofSeconds(10));
            }
            try (var r = Redis.connect(redis.url(), "porta:", Duration.ofSeconds(2))) {
                List<ClusterNode> nodes = RedisMeetingPlacement.nodes(r);
                assertThat(nodes).extracting(ClusterNode::nodeId).containsExactly("node-a", "node-b");
                assertThat(nodes.getFirst().homes()).contains(meeting.getId());
            }

            // new meetings are placed again
            List<String> otherAnswers = new ArrayList<>();
            try (var newcomer = cluster.joinFollowing(cluster.socketB, more[3], other, "New Comer",
                    Duration.ofSeconds(10), otherAnswers)) {
                assertThat(otherAnswers.getLast()).endsWith(":InLobby");
            }

            // those in the meeting were never cut off
            guest.send("chat", "id", "c2", "text", "Still here");
            assertThat(organizer.await("chatMessage", f -> f.path("text").asText().equals("Still here"))).isNotNull();
            assertThat(organizer.seen()).noneMatch(f -> f.path("state").asText().equals("Disconnected"));
            assertThat(guest.seen()).noneMatch(f -> f.path("state").asText().equals("Disconnected"));
        }
    }

    private String homeOf(OnlineMeeting meeting) {
        try (var r = Redis.connect(cluster.redis.url(), "porta:", Duration.ofSeconds(2))) {
            return r.commands().get(r.key("home:" + meeting.getId()));
        }
    }

}
