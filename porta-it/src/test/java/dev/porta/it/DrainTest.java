// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.SignalingClient.assertEndReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.cluster.RedisMeetingPlacement;
import dev.porta.cluster.TestRedis;
import dev.porta.common.testing.TestDatabases;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drain: a node flagged draining ({@code porta admin drain}, here through the same registry call) takes no
 * new meeting, answers not ready, keeps the meeting it serves until it ends, then exits; and a single node
 * being stopped (SIGTERM: {@code PortaServer.stop()}) waits for its live meeting the same way, bounded.
 */
class DrainTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void aDrainedNodeAnswersNotReadySendsNewMeetingsElsewhereAndExitsOnceItsLastMeetingEnds() throws Exception {
        try (TestRedis redis = TestRedis.start(); TestDatabases.EmptyPostgres postgres = TestDatabases.emptyPostgres()) {
            Map<String, String> shared = Map.of("db.url", postgres.url(), "db.user", postgres.user(), "db.password", "",
                    "cluster.redis-url", redis.url(), "cluster.redis-key-prefix", redis.prefix(),
                    "cluster.heartbeat-interval", "200ms", "cluster.lease", "2s");
            try (RunningPorta nodeA = RunningPorta.start(with(shared, "cluster.node-id", "node-a"), Clock.systemUTC());
                 RunningPorta nodeB = RunningPorta.anotherNode(nodeA, with(shared, "cluster.node-id", "node-b"), Clock.systemUTC());
                 var r = redis.connect()) {
                OnlineMeeting ongoing = scheduleMeeting(nodeA, "Ongoing on A");
                OnlineMeeting fresh = scheduleMeeting(nodeA, "Started while A drains");
                r.commands().set(r.key("home:" + ongoing.getId()), "node-a");
                CommunicationIdentityClient identities = Sdk.identityClient(nodeA, nodeA.connectionString());
                String token = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();

                try (var guest = new SignalingClient(nodeA)) {
                    join(guest, token, ongoing);
                    guest.awaitState("InLobby");

                    assertThat(RedisMeetingPlacement.drain(r, "node-a")).isTrue();

                    assertThat(awaitReady(nodeA, 503)).contains("\"node\":\"DRAINING\"").contains("draining (porta admin drain)");
                    assertThat(RedisMeetingPlacement.nodes(r)).filteredOn(n -> n.nodeId().equals("node-a"))
                            .singleElement().matches(n -> n.draining() && n.homes().contains(ongoing.getId()));
                    try (var newcomer = new SignalingClient(nodeA)) { // a new meeting asked at the draining node goes to B
                        join(newcomer, token, fresh);
                        assertThat(URI.create(newcomer.await("joinElsewhere").path("url").asText()).getPort()).isEqualTo(nodeB.server().port());
                    }
                    try (var late = new SignalingClient(nodeB)) { // the ongoing meeting stays on A while it lasts
                        join(late, token, ongoing);
                        assertThat(URI.create(late.await("joinElsewhere").path("url").asText()).getPort()).isEqualTo(nodeA.server().port());
                    }
                    assertThat(nodeA.server().calling().meetings()).extracting(m -> m.meetingId()).containsExactly(ongoing.getId());
                    assertThat(get(nodeA, "/health/live")).startsWith("200 "); // still serving its meeting

                    guest.send("leave");
                }

                long deadline = System.nanoTime() + BOUND.toNanos();
                while (System.nanoTime() < deadline && isListening(nodeA)) {
                    Thread.sleep(100);
                }
                assertThat(isListening(nodeA)).as("node-a exited once its meeting ended").isFalse();
                // it left the registry before it stopped listening
                assertThat(RedisMeetingPlacement.nodes(r)).extracting(n -> n.nodeId()).containsExactly("node-b");
                assertThat(r.commands().exists(r.key("drain:node-a"))).isZero();
            }
        }
    }

    @Test
    void aSingleNodeBeingStoppedTakesNoNewMeetingAndStopsOnceItsLiveMeetingEnds() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("cluster.stop-drain-timeout", "60s"), Clock.systemUTC())) {
            OnlineMeeting ongoing = scheduleMeeting(porta, "Ongoing while stopping");
            OnlineMeeting fresh = scheduleMeeting(porta, "Started while stopping");
            CommunicationIdentityClient identities = Sdk.identityClient(porta, porta.connectionString());
            String token = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
            try (var guest = new SignalingClient(porta)) {
                join(guest, token, ongoing);
                guest.awaitState("InLobby");

                // its own thread: a 2-core machine's common pool has one worker, which the WebSocket client needs
                var stopped = new java.util.concurrent.FutureTask<Void>(() -> porta.server().stop(), null);
                Thread.ofPlatform().name("stop").start(stopped);

                assertThat(awaitReady(porta, 503)).contains("\"node\":\"DRAINING\"").contains("draining (stopping)");
                try (var newcomer = new SignalingClient(porta)) {
                    join(newcomer, token, fresh);
                    assertEndReason(newcomer.awaitState("Disconnected"), 503, 7102); // meetingUnavailable: try again (elsewhere)
                }
                assertThat(stopped).isNotDone();
                assertThat(porta.server().calling().meetings()).extracting(m -> m.meetingId()).containsExactly(ongoing.getId());

                guest.send("leave");
                stopped.get(BOUND.toSeconds(), TimeUnit.SECONDS); // well before cluster.stop-drain-timeout (60 s)
            }
            assertThat(isListening(porta)).isFalse();
        }
    }

    private static Map<String, String> with(Map<String, String> shared, String key, String value) {
        Map<String, String> m = new HashMap<>(shared);
        m.put(key, value);
        return m;
    }

    /** A meeting of the demo organizer on {@code node}, on now, members past the lobby. */
    static OnlineMeeting scheduleMeeting(RunningPorta node, String subject) {
        return GraphSdk.scheduleAsDemoOrganizer(node, subject, LobbyBypassScope.Organization);
    }

    private static void join(SignalingClient client, String token, OnlineMeeting meeting) {
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", "Pat Guest");
    }

    /** Polls /health/ready until it answers {@code status} (bounded); returns the last answer's body. */
    private static String awaitReady(RunningPorta node, int status) throws Exception {
        String last = "";
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            last = get(node, "/health/ready");
            if (last.startsWith(status + " ")) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/health/ready never answered " + status + "; last: " + last);
    }

    private static boolean isListening(RunningPorta node) {
        try {
            get(node, "/health/live");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String get(RunningPorta node, String path) throws Exception {
        HttpResponse<String> r = node.httpClient().send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path.substring(1)))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
