// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two Porta nodes (in this JVM, each with its own HTTP and media ports on 127.0.0.1) of one cluster on the
 * PostgreSQL and Redis that {@code shared} names, with the demo tenant, a signed-in organizer and guests:
 * what the chaos tests break things under. (The browser tests' {@link TwoNodeCluster} runs on the shared PostgreSQL and
 * Redis, which a chaos test must not stop; this one runs on the test's own.) Node B's public host is node A's address (the load balancer's
 * name: tokens name it); B is reached at its own {@code cluster.node-url}.
 */
final class ChaosCluster implements AutoCloseable {
    /** The test's own Redis and PostgreSQL processes, which it stops and starts again. */
    final OwnRedis redis;
    final OwnPostgres postgres;
    final RunningPorta a;
    final RunningPorta b;
    final URI socketA;
    final URI socketB;
    final String organizerToken;
    private final CommunicationIdentityClient identities;

    private ChaosCluster(OwnRedis redis, OwnPostgres postgres, RunningPorta a, RunningPorta b, int portB) throws Exception {
        this.redis = redis;
        this.postgres = postgres;
        this.a = a;
        this.b = b;
        this.socketA = URI.create(a.baseUrl().replaceFirst("^https", "wss") + "calling/v1");
        this.socketB = URI.create("wss://localhost:" + portB + "/calling/v1");
        JsonNode demo = a.demo();
        String tenant = demo.get("tenantId").asText();
        var web = a.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(),
                List.of("https://app.example/signed-in"));
        this.organizerToken = MemberSignIn.callingToken(a, tenant, MemberSignIn.signIn(a, tenant, web.clientId().value(),
                "https://app.example/signed-in", demo.at("/members/0/userPrincipalName").asText(), demo.at("/members/0/password").asText()));
        this.identities = Sdk.identityClient(a, a.connectionString());
    }

    /**
     * Starts the test's own Redis and PostgreSQL, then two nodes on them with a 2 s lease (heartbeat every
     * 500 ms) so that the chaos is quick, and {@code more} keys. Closing the cluster stops all four.
     */
    static ChaosCluster start(Map<String, String> more) throws Exception {
        OwnRedis redis = OwnRedis.start();
        OwnPostgres postgres = null;
        RunningPorta a = null;
        try {
            postgres = OwnPostgres.start();
            Map<String, String> shared = new HashMap<>(Map.of("db.url", postgres.jdbcUrl(), "db.user", "postgres", "db.password", "",
                    "cluster.redis-url", redis.url(), "cluster.lease", "2000ms", "cluster.heartbeat-interval", "500ms"));
            shared.putAll(more);
            a = RunningPorta.start(with(shared, "cluster.node-id", "node-a"), Clock.systemUTC());
            int portB = OwnRedis.freePort();
            Map<String, String> keys = with(shared, "cluster.node-id", "node-b");
            keys.put("http.public-host", "localhost:" + a.server().port());
            keys.put("http.port", Integer.toString(portB));
            keys.put("cluster.node-url", "https://localhost:" + portB + "/");
            RunningPorta b = RunningPorta.anotherNode(a, keys, Clock.systemUTC());
            try {
                return new ChaosCluster(redis, postgres, a, b, portB);
            } catch (Exception e) {
                b.close();
                throw e;
            }
        } catch (Exception e) {
            for (AutoCloseable c : new AutoCloseable[] {a, postgres, redis}) {
                if (c != null) {
                    c.close();
                }
            }
            throw e;
        }
    }

    /** A new guest identity's calling token. */
    String guestToken() {
        return identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
    }

    /** A meeting of the demo organizer, on now, members past the lobby, guests in it. */
    OnlineMeeting scheduleMeeting(String subject) {
        return DrainTest.scheduleMeeting(a, subject);
    }

    /** A signalling client of {@code node}'s calling WebSocket. */
    SignalingClient client(RunningPorta node) {
        return new SignalingClient(node == a ? socketA : socketB, node.httpClient()); // each node has its own certificate
    }

    static void join(SignalingClient client, String token, OnlineMeeting meeting, String name) {
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", name);
    }

    /** {@code GET path} on {@code node} itself (node B's public URL is node A's): "status body". */
    String get(RunningPorta node, String path) throws Exception {
        String base = node == a ? a.baseUrl() : "https://localhost:" + socketB.getPort() + "/";
        HttpResponse<String> r = node.httpClient().send(HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** Polls {@code path} on {@code node} until it answers with a status line starting {@code prefix}; fails after {@code within}. */
    String awaitAnswer(RunningPorta node, String path, String prefix, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = get(node, path);
        while (!last.startsWith(prefix) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = get(node, path);
        }
        if (!last.startsWith(prefix)) {
            throw new AssertionError(path + " did not answer '" + prefix + "…' within " + within + "; last: " + last);
        }
        return last;
    }

    /**
     * What a client does with a join: sends it at {@code first}, follows {@code joinElsewhere} and retries
     * {@code meetingUnavailable} (7102) every 200 ms, for at most {@code within}. Returns the client that got a
     * state other than Disconnected (still open; the caller closes it), with every answer on the way in
     * {@code answers}.
     */
    SignalingClient joinFollowing(URI first, String token, OnlineMeeting meeting, String name, Duration within,
                                  List<String> answers) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        URI target = first;
        while (System.nanoTime() < deadline) {
            SignalingClient c = new SignalingClient(target, (target.getPort() == socketA.getPort() ? a : b).httpClient());
            join(c, token, meeting, name);
            JsonNode state = c.await("stateChanged", f -> true);
            if (!state.path("state").asText().equals("Disconnected")) {
                answers.add(target.getPort() + ":" + state.path("state").asText());
                return c;
            }
            c.close();
            JsonNode elsewhere = c.seen().stream().filter(f -> f.path("type").asText().equals("joinElsewhere")).findFirst().orElse(null);
            int sub = state.at("/callEndReason/subCode").asInt();
            answers.add(target.getPort() + ":" + sub);
            if (elsewhere != null) {
                target = URI.create(elsewhere.get("url").asText());
            } else if (sub == 7102) {
                target = first;
                Thread.sleep(200);
            } else {
                throw new AssertionError("join refused for good: " + state + " (answers so far: " + answers + ")");
            }
        }
        throw new AssertionError("not joined within " + within + ": " + answers.subList(Math.max(0, answers.size() - 6), answers.size()));
    }

    static Map<String, String> with(Map<String, String> shared, String key, String value) {
        Map<String, String> m = new HashMap<>(shared);
        m.put(key, value);
        return m;
    }

    @Override
    public void close() throws Exception {
        b.close();
        a.close();
        postgres.close();
        redis.close();
    }
}
