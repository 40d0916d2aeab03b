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
 * A firewall that drops all UDP to and from the SFU's media port (nftables, in the loopback-only network
 * namespace the browser tests run in): two guests still see and hear each other, over ICE-TCP, and each
 * peer connection's selected candidate pair (from getStats) shows TCP to the SFU's passive candidate.
 */
@Tag("browser")
class IceTcpBrowserTest {
    private static final String TABLE = "porta_ice_tcp_test";
    static RunningPorta porta;
    static Browsers browsers;
    static MinimalJoinPages pages;

    @BeforeAll
    static void start() throws Exception {
        RequiredService.require("nftables", Files.isExecutable(Path.of("/usr/sbin/nft")), "apt-get install -y nftables");
        // rules go only into a namespace of the test's own: never into a real machine's firewall
        RequiredService.require("network namespace", List.of("lo").equals(interfaces()),
                "run inside a loopback-only network namespace, as ./run-tests does (unshare -n)");
        browsers = Browsers.start();
        pages = new MinimalJoinPages(browsers);
        porta = RunningPorta.start(Map.of("web.examples-enabled", "true"), java.time.Clock.systemUTC());
        int port = porta.server().mediaPort();
        assertThat(porta.server().mediaTcpPort()).as("ICE-TCP is on by default").isPositive();
        nft("add table inet " + TABLE);
        nft("add chain inet " + TABLE + " out { type filter hook output priority 0 ; policy accept ; }");
        nft("add rule inet " + TABLE + " out udp dport " + port + " drop");
        nft("add rule inet " + TABLE + " out udp sport " + port + " drop");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (porta != null) {
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
    void twoGuestsWhoseUdpIsDroppedSeeAndHearEachOtherOverIceTcp() throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        String organizerId = demo.at("/members/0/id").asText();
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("No UDP here");
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
            List<Map<String, Map<String, Object>>> pairs = selectedPairs(page);
            System.err.println("selected candidate pairs: " + pairs);
            assertThat(pairs).as("both peer connections are connected").hasSize(2);
            for (Map<String, Map<String, Object>> pair : pairs) {
                assertThat(pair.get("remote").get("protocol")).as("media path " + pair).isEqualTo("tcp");
                assertThat(((Number) pair.get("remote").get("port")).intValue()).isEqualTo(porta.server().mediaTcpPort());
            }
        }
        assertThat(porta.server().calling().node().participants()).isEqualTo(2);
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
