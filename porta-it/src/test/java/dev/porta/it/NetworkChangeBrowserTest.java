// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.common.testing.RequiredService;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.MinimalJoinPages;
import dev.porta.it.browser.MediaClock;
import dev.porta.it.browser.Participant;
import dev.porta.server.RunningPorta;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The network changes mid-call: two guests talk over UDP, then a firewall starts dropping all UDP to and
 * from the SFU (nftables, in the loopback-only namespace the browser tests run in). The library restarts
 * ICE, media comes back over ICE-TCP, the call stays Connected and nobody leaves the roster or rejoins.
 */
@Tag("browser")
class NetworkChangeBrowserTest {
    private static final String TABLE = "porta_network_change_test";
    static RunningPorta porta;
    static Browsers browsers;
    static MinimalJoinPages pages;
    static volatile boolean udpDropped;

    @BeforeAll
    static void start() throws Exception {
        RequiredService.require("nftables", Files.isExecutable(Path.of("/usr/sbin/nft")), "apt-get install -y nftables");
        // rules go only into a namespace of the test's own: never into a real machine's firewall
        RequiredService.require("network namespace", List.of("lo").equals(interfaces()),
                "run inside a loopback-only network namespace, as ./run-tests does (unshare -n)");
        browsers = Browsers.start();
        pages = new MinimalJoinPages(browsers);
        porta = RunningPorta.start(Map.of("web.examples-enabled", "true"), java.time.Clock.systemUTC());
        assertThat(porta.server().mediaTcpPort()).as("ICE-TCP is on by default").isPositive();
    }

    /** From now on all UDP to and from the SFU's media port is dropped. */
    private static void dropUdp() throws Exception {
        int port = porta.server().mediaPort();
        nft("add table inet " + TABLE);
        nft("add chain inet " + TABLE + " out { type filter hook output priority 0 ; policy accept ; }");
        nft("add rule inet " + TABLE + " out udp dport " + port + " drop");
        nft("add rule inet " + TABLE + " out udp sport " + port + " drop");
        udpDropped = true;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (udpDropped) {
                nft("delete table inet " + TABLE);
            }
        } finally {
            if (browsers != null) {
                System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
                browsers.close();
            }
            if (porta != null) {
                porta.close();
            }
        }
    }

    /** The network interfaces of this process's own namespace (/proc/self/net/dev; /sys shows the mounter's). */
    private static List<String> interfaces() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/net/dev")).stream().skip(2)
                .map(l -> l.substring(0, l.indexOf(':')).trim()).toList();
    }

    private static void nft(String command) throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/nft", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("nft " + command + ": " + out).isTrue();
    }

    @Test
    void whenUdpStopsMidCallTheGuestsMediaComesBackOverIceTcpWithoutLeavingTheCall() throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        String organizerId = demo.at("/members/0/id").asText();
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("The network changes");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        OnlineMeeting meeting = graph.users().byUserId(organizerId).onlineMeetings().post(m);
        var identity = Sdk.identityClient(porta, porta.connectionString());

        Page red = open(Participant.RED, "Red Guest", identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP))
                .getUserToken().getToken(), meeting.getJoinWebUrl());
        Page blue = open(Participant.BLUE, "Blue Guest", identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP))
                .getUserToken().getToken(), meeting.getJoinWebUrl());
        pages.seesAndHears(red, "Blue Guest", Participant.BLUE);
        pages.seesAndHears(blue, "Red Guest", Participant.RED);
        for (Page page : List.of(red, blue)) {
            for (Map<String, Map<String, Object>> pair : selectedPairs(page)) {
                assertThat(pair.get("remote").get("protocol")).as("before: " + pair).isEqualTo("udp");
            }
        }
        Object redId = red.evaluate("() => window.call.info.participantId");
        // when red's call went reconnecting and back, in ms since UDP was dropped
        red.evaluate("() => { window.__reconnects = 0; window.__timeline = []; window.call.on('isReconnectingChanged', () => {"
                + " if (window.call.isReconnecting) window.__reconnects++;"
                + " window.__timeline.push((window.call.isReconnecting ? 'reconnecting ' : 'reconnected ') + Math.round(performance.now() - window.__dropped)); }); }");

        red.evaluate("() => { window.__dropped = performance.now(); }");
        dropUdp();
        long dropped = System.nanoTime();
        MediaClock redSees = new MediaClock(framesFrom(red));
        MediaClock blueSees = new MediaClock(framesFrom(blue));
        long deadline = dropped + TimeUnit.SECONDS.toNanos(45);
        while (!(redSees.steady() && blueSees.steady())) {
            assertThat(System.nanoTime()).as("media flows steadily both ways again; red " + redSees + ", blue " + blueSees).isLessThan(deadline);
            long now = System.nanoTime();
            redSees.sample(now, framesFrom(red));
            blueSees.sample(now, framesFrom(blue));
            Thread.sleep(100);
        }
        System.err.printf("media back %.2f s (red sees blue) and %.2f s (blue sees red) after UDP was dropped; red's call: %s;"
                + " red's video: %s; blue's video: %s%n", (redSees.backAt(dropped) - dropped) / 1e9, (blueSees.backAt(dropped) - dropped) / 1e9,
                red.evaluate("() => window.__timeline"), redSees, blueSees);
        pages.seesAndHears(red, "Blue Guest", Participant.BLUE);
        pages.seesAndHears(blue, "Red Guest", Participant.RED);
        for (Page page : List.of(red, blue)) {
            List<Map<String, Map<String, Object>>> pairs = selectedPairs(page);
            System.err.println("selected candidate pairs after the change: " + pairs);
            assertThat(pairs).hasSize(2);
            for (Map<String, Map<String, Object>> pair : pairs) {
                assertThat(pair.get("remote").get("protocol")).as("after: " + pair).isEqualTo("tcp");
            }
            assertThat(page.evaluate("() => window.call.state")).isEqualTo("Connected");
        }
        assertThat(red.evaluate("() => window.call.info.participantId")).as("no rejoin").isEqualTo(redId);
        System.err.println("red reconnecting episodes: " + red.evaluate("() => window.__reconnects"));
        assertThat(porta.server().calling().node().participants()).as("nobody left the roster").isEqualTo(2);
    }

    @SuppressWarnings("unchecked")
    private static long framesFrom(Page page) {
        List<Map<String, Object>> inbound = (List<Map<String, Object>>) page.evaluate("() => window.__probe.inbound()");
        return inbound.stream().filter(t -> "video".equals(t.get("kind"))).mapToLong(t -> ((Number) t.get("frames")).longValue()).max().orElse(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Map<String, Object>>> selectedPairs(Page page) {
        return (List<Map<String, Map<String, Object>>>) page.evaluate("() => window.__probe.selectedPairs()");
    }

    private Page open(Participant who, String name, String token, String link) {
        Page page = browsers.open(who, name);
        String fragment = "token=" + enc(token) + "&link=" + enc(link) + "&name=" + enc(name);
        page.navigate(porta.baseUrl() + "examples/minimal-join.html#" + fragment);
        page.click("#join");
        return page;
    }


    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
