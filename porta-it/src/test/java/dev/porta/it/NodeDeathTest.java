// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.SignalingClient.assertEndReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.cluster.TestRedis;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A meeting's home node dies and its participants come back on the surviving node through the resume
 * path, with their roles, without a second lobby pass, and with the chat history from PostgreSQL.
 *
 * <p>The home is an in-process node, so it cannot be SIGKILLed: {@link RunningPorta#crash()} stands in for
 * it (heartbeats stop, HTTP and media stop without a word to anyone, nothing is released in Redis; the
 * lease lapses by itself). Each participant does what the browser library does after its socket drops:
 * resume with its resume token through the load balancer (here: the surviving node), retrying while the
 * meeting is {@code meetingUnavailable} and following {@code joinElsewhere}. The lease is short
 * ({@code -Dporta.it.lease-ms}, default 2000, heartbeat a quarter of it) so the test is quick; the printed
 * kill-to-Connected time is dominated by it.
 */
class NodeDeathTest {
    private static final long LEASE_MS = Long.getLong("porta.it.lease-ms", 2000);
    private TestRedis redis;
    private TestDatabases.EmptyPostgres postgres;
    private RunningPorta nodeA;
    private RunningPorta nodeB;
    private URI socketB;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nodeB, nodeA, postgres, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // node A is closed already (crashed)
            }
        }
    }

    @Test
    void participantsOfANodeThatDiesResumeOnTheSurvivingNodeWithTheirRolesAndTheChat() throws Exception {
        redis = TestRedis.start();
        postgres = TestDatabases.emptyPostgres();
        long leaseMs = LEASE_MS;
        Map<String, String> shared = Map.of("db.url", postgres.url(), "db.user", postgres.user(), "db.password", "",
                "cluster.redis-url", redis.url(), "cluster.redis-key-prefix", redis.prefix(),
                "cluster.lease", leaseMs + "ms", "cluster.heartbeat-interval", Math.max(100, leaseMs / 4) + "ms");
        nodeA = RunningPorta.start(with(shared, "cluster.node-id", "node-a"), Clock.systemUTC());
        // (node A's public host is its own address: the demo tenant's tokens name it)
        // Both nodes have one public host (the load balancer's name: token issuers and audiences are the same on
        // every node); here that is node A's address, and node B is reached at its own cluster.node-url.
        int portB;
        try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            portB = free.getLocalPort();
        }
        Map<String, String> b = with(shared, "cluster.node-id", "node-b");
        b.put("http.public-host", "localhost:" + nodeA.server().port());
        b.put("http.port", Integer.toString(portB));
        b.put("cluster.node-url", "https://localhost:" + portB + "/");
        nodeB = RunningPorta.anotherNode(nodeA, b, Clock.systemUTC());
        socketB = URI.create("wss://localhost:" + portB + "/calling/v1");
        JsonNode demo = nodeA.demo();
        String tenant = demo.get("tenantId").asText();
        String organizerId = demo.at("/members/0/id").asText();
        var web = nodeA.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(),
                List.of("https://app.example/signed-in"));
        String organizerToken = MemberSignIn.callingToken(nodeA, tenant, MemberSignIn.signIn(nodeA, tenant, web.clientId().value(),
                "https://app.example/signed-in", demo.at("/members/0/userPrincipalName").asText(), demo.at("/members/0/password").asText()));
        CommunicationIdentityClient identities = Sdk.identityClient(nodeA, nodeA.connectionString());
        var guest = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        String guestToken = guest.getUserToken().getToken();
        String other = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
        OnlineMeeting meeting = scheduleMeeting(nodeA, tenant, demo, organizerId);
        try (var r = redis.connect()) {
            // A's lease, as its first join there would have taken it (placement by load is tested in porta-cluster)
            r.commands().set(r.key("home:" + meeting.getId()), "node-a", io.lettuce.core.SetArgs.Builder.px(leaseMs));
        }

        // on node A: the organizer, and a guest let in from the lobby; one chat message
        String organizerResume;
        String guestResume;
        String organizerPid;
        String guestPid;
        String guestMediaSession;
        long killedAt;
        try (var organizer = new SignalingClient(nodeA); var guestAtA = new SignalingClient(nodeA)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            join(guestAtA, guestToken, meeting, "Pat Guest");
            guestPid = guestAtA.awaitState("InLobby").get("participantId").asText();
            organizer.send("admit", "id", "a1", "participantId", guestPid);
            JsonNode admitted = guestAtA.awaitState("Connected");
            guestResume = admitted.get("resumeToken").asText();
            guestMediaSession = admitted.path("mediaSession").asText();
            organizer.send("chat", "id", "c1", "text", "Before the crash");
            guestAtA.await("chatMessage");
            JsonNode orgState = organizer.seen().stream().filter(f -> f.path("state").asText().equals("Connected")).findFirst().orElseThrow();
            organizerResume = orgState.get("resumeToken").asText();
            organizerPid = orgState.get("participantId").asText();

            killedAt = System.nanoTime(); // the clock starts before the in-process node takes its time to stop
            nodeA.crash(); // stands in for SIGKILL: see the class comment
        }

        JsonNode[] organizerBack = resumeThroughTheSurvivingNode(organizerToken, organizerResume);
        long organizerMs = (System.nanoTime() - killedAt) / 1_000_000;
        JsonNode[] guestBack = resumeThroughTheSurvivingNode(guestToken, guestResume);
        long guestMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("node death (cluster.lease %d ms): kill -> organizer Connected %d ms, guest Connected %d ms%n",
                leaseMs, organizerMs, guestMs);

        JsonNode organizerState = organizerBack[0];
        assertThat(organizerState.get("state").asText()).isEqualTo("Connected");
        assertThat(organizerState.get("role").asText()).isEqualTo("organizer");
        assertThat(organizerState.get("participantId").asText()).isEqualTo(organizerPid);
        JsonNode guestState = guestBack[0];
        assertThat(guestState.get("state").asText()).as("no second lobby pass").isEqualTo("Connected");
        assertThat(guestState.get("role").asText()).isEqualTo("attendee");
        assertThat(guestState.get("participantId").asText()).isEqualTo(guestPid);
        assertThat(guestState.path("mediaSession").asText()).as("a new media session: the library makes new peer connections")
                .isNotEmpty().isNotEqualTo(guestMediaSession);
        assertThat(guestBack[1].get("messages").findValuesAsText("text")).contains("Before the crash");
        assertThat(guestBack[2].get("participants").findValuesAsText("rawId"))
                .contains("8:orgid:" + organizerId, guest.getUser().getId());
        assertThat(nodeB.server().calling().meetings()).extracting(m -> m.meetingId()).contains(meeting.getId());
        try (var r = redis.connect()) {
            assertThat(r.commands().get(r.key("home:" + meeting.getId()))).isEqualTo("node-b");
        }

        // the old ticket was good once: replaying it now takes nobody back (the guest holds a new one)
        try (var replay = new SignalingClient(socketB, nodeB.httpClient())) {
            replay.send("resume", "token", guestToken, "resumeToken", guestResume);
            assertEndReason(replay.awaitState("Disconnected"), 410, 5270);
        }
        // and a ticket is no good with another identity's token
        try (var thief = new SignalingClient(socketB, nodeB.httpClient())) {
            thief.send("resume", "token", other, "resumeToken", guestState.get("resumeToken").asText());
            assertEndReason(thief.awaitState("Disconnected"), 410, 5270);
        }
        // once the guest has left, the dead home's ticket still takes nobody back
        try (var guestAtB = new SignalingClient(socketB, nodeB.httpClient())) {
            guestAtB.send("resume", "token", guestToken, "resumeToken", guestState.get("resumeToken").asText());
            guestAtB.awaitState("Connected");
            guestAtB.send("leave");
            guestAtB.awaitState("Disconnected");
        }
        try (var replay = new SignalingClient(socketB, nodeB.httpClient())) {
            replay.send("resume", "token", guestToken, "resumeToken", guestResume);
            assertEndReason(replay.awaitState("Disconnected"), 410, 5270);
        }
    }

    /**
     * What the library does after its socket dropped: resume through the load balancer until taken back,
     * following {@code joinElsewhere} and retrying on {@code meetingUnavailable} or a node that does not
     * answer. Returns the Connected (or InLobby) frame, the first chat history page and the roster.
     */
    private JsonNode[] resumeThroughTheSurvivingNode(String token, String resumeToken) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        URI target = null;
        List<String> tries = new java.util.ArrayList<>();
        while (System.nanoTime() < deadline) {
            SignalingClient client;
            try {
                client = new SignalingClient(target == null ? socketB : target, nodeB.httpClient());
            } catch (RuntimeException unreachable) { // the dead home named by its not yet lapsed registration
                tries.add("unreachable " + target);
                target = null;
                Thread.sleep(200);
                continue;
            }
            try (client) {
                client.send("resume", "token", token, "resumeToken", resumeToken);
                JsonNode answer = client.await("stateChanged", f -> true);
                tries.add(answer.toString());
                JsonNode elsewhere = client.seen().stream().filter(f -> f.path("type").asText().equals("joinElsewhere"))
                        .findFirst().orElse(null);
                if (answer.path("state").asText().equals("Disconnected")) {
                    int sub = answer.at("/callEndReason/subCode").asInt();
                    if (elsewhere != null) {
                        target = URI.create(elsewhere.get("url").asText());
                        continue;
                    }
                    assertThat(sub).as(answer.toString()).isEqualTo(7102); // only "try again in a moment" is retried
                    target = null;
                    Thread.sleep(200);
                    continue;
                }
                if (answer.path("state").asText().equals("InLobby")) {
                    return new JsonNode[] {answer, null, null};
                }
                return new JsonNode[] {answer, client.await("chatHistory"), client.await("roster")};
            }
        }
        throw new AssertionError("not taken back within 30 s of the kill: " + tries.subList(Math.max(0, tries.size() - 5), tries.size())
                + " (" + tries.size() + " tries)");
    }

    private static Map<String, String> with(Map<String, String> shared, String key, String value) {
        Map<String, String> m = new HashMap<>(shared);
        m.put(key, value);
        return m;
    }

    private static void join(SignalingClient client, String token, OnlineMeeting meeting, String name) {
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", name);
    }

    private static OnlineMeeting scheduleMeeting(RunningPorta node, String tenant, JsonNode demo, String organizerId) {
        var graph = GraphSdk.graph(node, GraphSdk.credential(node, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Outlives its node");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Organization);
        m.setLobbyBypassSettings(lobby);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }
}
