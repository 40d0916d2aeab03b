// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.cluster.TestRedis;
import dev.porta.common.testing.TestDatabases;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.NamespaceServices;
import dev.porta.it.browser.Participant;
import dev.porta.server.RunningPorta;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL and one Redis; node B plays the load balancer (every page, link and
 * token names it), and the meeting's home is node A. Two browsers load the library from B and join
 * there: each is sent to A ({@code joinElsewhere}), joins again there by itself, and they see and hear
 * each other through A's SFU.
 */
@Tag("browser")
class ClusterJoinBrowserTest {
    static NamespaceServices services;
    static TestRedis redis;
    static TestDatabases.EmptyPostgres postgres;
    static RunningPorta nodeA;
    static RunningPorta nodeB;
    static Browsers browsers;
    static int portA;
    static int portB;

    @BeforeAll
    static void start() throws Exception {
        browsers = Browsers.start();
        services = NamespaceServices.startWhereAbsent();
        redis = TestRedis.start();
        postgres = TestDatabases.emptyPostgres();
        portA = freePort();
        portB = freePort();
        Map<String, String> shared = Map.of("db.url", postgres.url(), "db.user", postgres.user(), "db.password", "",
                "cluster.redis-url", redis.url(), "cluster.redis-key-prefix", redis.prefix(),
                "http.public-host", "localhost:" + portB, "web.examples-enabled", "true",
                "cluster.node-origins", "https://localhost:" + portA + ",https://localhost:" + portB);
        nodeA = RunningPorta.start(with(shared, Map.of("cluster.node-id", "node-a", "http.port", Integer.toString(portA),
                "cluster.node-url", "https://localhost:" + portA + "/")), Clock.systemUTC());
        nodeB = RunningPorta.anotherNode(nodeA, with(shared, Map.of("cluster.node-id", "node-b", "http.port", Integer.toString(portB),
                "cluster.node-url", "https://localhost:" + portB + "/")), Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browsers != null) {
            System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
            browsers.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {nodeB, nodeA, postgres, redis, services}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void twoGuestsWhoJoinAtANodeThatIsNotTheHomeAreSentToTheHomeAndSeeAndHearEachOtherThere() throws Exception {
        JsonNode demo = nodeA.demo();
        var graph = GraphSdk.graph(nodeB, GraphSdk.credential(nodeB, demo.get("tenantId").asText(), demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Homed on A");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        OnlineMeeting meeting = graph.users().byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(m);
        assertThat(meeting.getJoinWebUrl()).startsWith("https://localhost:" + portB + "/");
        // the meeting's home is A (as a first join there would have made it; placement by load is tested in porta-cluster)
        try (var r = redis.connect()) {
            r.commands().psetex(r.key("home:" + meeting.getId()), 60_000, "node-a");
        }
        CommunicationIdentityClient identities = Sdk.identityClient(nodeB, nodeB.connectionString());

        List<String> redSockets = new CopyOnWriteArrayList<>();
        List<String> blueSockets = new CopyOnWriteArrayList<>();
        Page red = open(Participant.RED, "Red Guest", identities, meeting, redSockets);
        Page blue = open(Participant.BLUE, "Blue Guest", identities, meeting, blueSockets);

        seesAndHears(red, "Blue Guest", Participant.BLUE);
        seesAndHears(blue, "Red Guest", Participant.RED);
        String atB = "wss://localhost:" + portB + "/calling/v1";
        String atA = "wss://localhost:" + portA + "/calling/v1";
        assertThat(redSockets).containsExactly(atB, atA);
        assertThat(blueSockets).containsExactly(atB, atA);
        assertThat(nodeA.server().calling().meetings()).singleElement()
                .satisfies(s -> assertThat(s.participants()).isEqualTo(2));
        assertThat(nodeB.server().calling().meetings()).isEmpty();
        assertThat(red.textContent("#status")).isEqualTo("Connected");
    }

    private static Page open(Participant who, String name, CommunicationIdentityClient identities, OnlineMeeting meeting,
                             List<String> sockets) {
        String token = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
        Page page = browsers.open(who, name);
        page.onWebSocket(ws -> sockets.add(ws.url()));
        page.navigate(nodeB.baseUrl() + "examples/minimal-join.html#token=" + enc(token) + "&link=" + enc(meeting.getJoinWebUrl())
                + "&name=" + enc(name));
        page.click("#join");
        return page;
    }

    @SuppressWarnings("unchecked")
    private static void seesAndHears(Page page, String otherName, Participant other) {
        browsers.await(otherName + "'s video plays (status " + page.textContent("#status") + ", errors "
                + page.evaluate("() => window.errors") + ")", 45_000, () -> {
                    List<Map<String, Object>> colours = (List<Map<String, Object>>) page.evaluate("() => window.__probe.videoColors()");
                    return colours.stream().anyMatch(c -> String.valueOf(c.get("label")).startsWith(otherName + "/")
                            && other.looksLike((List<Number>) c.get("rgb")));
                });
        browsers.await("the tone of " + otherName + " is heard", 20_000, () -> {
            Map<String, Number> peaks = (Map<String, Number>) page.evaluate("() => window.__probe.audioPeaks()");
            return peaks.values().stream().anyMatch(other::soundsLike);
        });
        assertThat((List<Object>) page.evaluate("() => window.errors")).as("errors the call reported").isEmpty();
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
