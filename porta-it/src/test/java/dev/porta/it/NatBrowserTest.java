// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.common.testing.RealHaproxy;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.MediaClock;
import dev.porta.it.browser.Participant;
import dev.porta.it.browser.RoutedNetwork;
import dev.porta.server.RunningPorta;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A guest at home behind a NAT (its own namespace, 192.168.50.10, masqueraded by nftables in a NAT
 * namespace to 198.51.100.20) and a guest on the public side see and hear each other through Porta on
 * 198.51.100.10, over UDP. The home guest's selected candidate pair (getStats) runs over UDP from the
 * NAT's public address (peer-reflexive: what Porta saw) to Porta's media port, and the NAT's counter
 * shows the masquerading carried it. Pages, APIs and the calling WebSocket go through a real HAProxy in the
 * public namespace, configured as docs/deployment.md says (Porta's HTTPS on loopback behind it); media
 * goes to Porta directly, as it would on a real host.
 *
 * <p>Then the same with all UDP from the home side dropped in the NAT (a firewall that lets only TCP
 * out): the home guest's media runs over ICE-TCP, through the NAT, to the SFU's ICE-TCP port. Each test
 * starts its own Porta (the first with ICE-TCP off, so UDP is the one path; the second with the default,
 * ICE-TCP on) behind its own HAProxy, on the one routed network.
 */
@Tag("browser")
class NatBrowserTest {
    /** The home side's firewall in the NAT namespace (the UDP-dropping test's own table). */
    private static final String GUEST_FIREWALL = "porta_guest_firewall";
    static RoutedNetwork network;
    static RunningPorta porta;
    static Browsers browsers;
    static RealHaproxy proxy;
    static Path proxyCertificate;
    static String publicUrl;
    private final List<Page> pages = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        RealHaproxy.require();
        network = RoutedNetwork.build();
        browsers = Browsers.start();
    }

    /**
     * Porta as docs/deployment.md puts it behind HAProxy (HTTPS on loopback, the proxy trusted), with its
     * media on the public address, plus {@code extra} keys.
     */
    private static void startPortaBehindProxy(Map<String, String> extra) throws Exception {
        int proxyPort;
        try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(RoutedNetwork.PUBLIC_ADDRESS))) {
            proxyPort = free.getLocalPort();
        }
        publicUrl = "https://" + RoutedNetwork.PUBLIC_ADDRESS + ":" + proxyPort + "/";
        Map<String, String> keys = new HashMap<>(DeploymentGuide.read().proxiedPortaKeys());
        keys.putAll(Map.of("web.examples-enabled", "true", "http.port", "0",
                "http.public-host", RoutedNetwork.PUBLIC_ADDRESS + ":" + proxyPort,
                "media.bind-address", RoutedNetwork.PUBLIC_ADDRESS, "media.advertised-address", RoutedNetwork.PUBLIC_ADDRESS));
        keys.putAll(extra);
        porta = RunningPorta.start(keys, java.time.Clock.systemUTC());
        Path dir = RealHaproxy.newDirectory();
        proxyCertificate = RealHaproxy.certificate(dir, RoutedNetwork.PUBLIC_ADDRESS);
        proxy = RealHaproxy.start(dir, DeploymentGuide.read().haproxyConfig(RoutedNetwork.PUBLIC_ADDRESS, proxyPort,
                dir.resolve("proxy.pem"), porta), new java.net.InetSocketAddress(RoutedNetwork.PUBLIC_ADDRESS, proxyPort));
    }

    /** Each test's pages, proxy and Porta go with it, so the next test starts from a quiet network. */
    @AfterEach
    void stopPorta() throws Exception {
        for (Page page : pages) {
            try {
                page.context().browser().close();
            } catch (RuntimeException alreadyGone) {
                // closed with the test that failed; keep closing the others
            }
        }
        pages.clear();
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            proxy = null;
            if (porta != null) {
                porta.close();
            }
            porta = null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browsers != null) {
                System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
                browsers.close();
            }
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }

    @Test
    void aGuestBehindANatAndAGuestOnThePublicSideSeeAndHearEachOtherOverUdp() throws Exception {
        // ICE-TCP off, so UDP is the one path
        startPortaBehindProxy(Map.of("media.tcp-port", "off"));
        Page[] guests = joinRedAtHomeAndBlueOnThePublicSide("Through the NAT");
        Page red = guests[0];
        Page blue = guests[1];

        seesAndHears(red, "Blue Guest", Participant.BLUE);
        seesAndHears(blue, "Red Guest", Participant.RED);
        List<Map<String, Map<String, Object>>> redPairs = selectedPairs(red);
        System.err.println("selected candidate pairs of the guest behind the NAT: " + redPairs);
        System.err.println("selected candidate pairs of the guest on the public side: " + selectedPairs(blue));
        assertThat(redPairs).as("both peer connections are connected").hasSize(2);
        for (Map<String, Map<String, Object>> pair : redPairs) {
            // Porta's answers to the checks name where they came from: the NAT's public address, which the
            // browser then reports as its own (peer-reflexive) end of the pair
            assertThat(pair.get("local").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.NAT_PUBLIC_ADDRESS);
            assertThat(pair.get("local").get("type")).as("media path " + pair).isEqualTo("prflx");
            assertThat(pair.get("local").get("protocol")).as("media path " + pair).isEqualTo("udp");
            assertThat(pair.get("remote").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.PUBLIC_ADDRESS);
            assertThat(((Number) pair.get("remote").get("port")).intValue()).isEqualTo(porta.server().mediaPort());
        }
        System.err.println("the NAT's rules: " + network.natRules());
        assertThat(network.udpFlowsMasqueraded()).as("UDP flows the NAT masqueraded").isPositive();
        assertThat(porta.server().mediaStats().participantsByTransport()).containsEntry("udp", 2L);
        assertThat(proxy.alive()).isTrue();
    }

    @Test
    void aGuestBehindANatThatDropsAllUdpSeesAndHearsTheOtherGuestOverIceTcp() throws Exception {
        // ICE-TCP as configured by default (on)
        startPortaBehindProxy(Map.of());
        int tcpPort = porta.server().mediaTcpPort();
        assertThat(tcpPort).as("ICE-TCP is on by default").isPositive();
        // the home side's firewall: every UDP packet from the guest's LAN dropped (counted), TCP to the
        // SFU's ICE-TCP port counted on its way through
        network.nftAtNat("add table inet " + GUEST_FIREWALL);
        try {
            network.nftAtNat("add chain inet " + GUEST_FIREWALL + " guest_out { type filter hook forward priority 0 ; policy accept ; }");
            network.nftAtNat("add rule inet " + GUEST_FIREWALL + " guest_out iifname \"lan0\" meta l4proto udp counter drop");
            network.nftAtNat("add rule inet " + GUEST_FIREWALL + " guest_out iifname \"lan0\" ip daddr " + RoutedNetwork.PUBLIC_ADDRESS
                    + " tcp dport " + tcpPort + " counter accept");
            Page[] guests = joinRedAtHomeAndBlueOnThePublicSide("No UDP out of this home");
            Page red = guests[0];
            Page blue = guests[1];

            seesAndHears(red, "Blue Guest", Participant.BLUE);
            seesAndHears(blue, "Red Guest", Participant.RED);
            List<Map<String, Map<String, Object>>> redPairs = selectedPairs(red);
            System.err.println("selected candidate pairs of the guest behind the UDP-dropping NAT: " + redPairs);
            System.err.println("selected candidate pairs of the guest on the public side: " + selectedPairs(blue));
            assertThat(redPairs).as("both peer connections are connected").hasSize(2);
            for (Map<String, Map<String, Object>> pair : redPairs) {
                // Porta saw the connection come from the NAT's public address, which the browser reports as
                // its own (peer-reflexive) end of the pair
                assertThat(pair.get("local").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.NAT_PUBLIC_ADDRESS);
                assertThat(pair.get("local").get("type")).as("media path " + pair).isEqualTo("prflx");
                assertThat(pair.get("local").get("protocol")).as("media path " + pair).isEqualTo("tcp");
                assertThat(pair.get("remote").get("protocol")).as("media path " + pair).isEqualTo("tcp");
                assertThat(pair.get("remote").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.PUBLIC_ADDRESS);
                assertThat(((Number) pair.get("remote").get("port")).intValue()).as("media path " + pair).isEqualTo(tcpPort);
            }
            String firewall = network.nftAtNat("list table inet " + GUEST_FIREWALL);
            System.err.println("the home side's firewall: " + firewall);
            assertThat(counter(firewall, "udp counter packets (\\d+)")).as("UDP packets from home the NAT dropped").isPositive();
            assertThat(counter(firewall, "tcp dport " + tcpPort + " counter packets (\\d+)"))
                    .as("packets from home the NAT forwarded to the ICE-TCP port").isPositive();
            assertThat(porta.server().mediaStats().participantsByTransport()).containsEntry("tcp", 1L).containsEntry("udp", 1L);
            assertThat(proxy.alive()).isTrue();
        } finally {
            network.nftAtNat("delete table inet " + GUEST_FIREWALL);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGuestWhoseAddressChangesMidCallHasMediaBackWithinFiveSecondsWithoutLeavingTheMeeting() throws Exception {
        startPortaBehindProxy(Map.of());
        Page[] guests = joinRedAtHomeAndBlueOnThePublicSide("Moving between networks");
        Page red = guests[0];
        Page blue = guests[1];
        seesAndHears(red, "Blue Guest", Participant.BLUE);
        seesAndHears(blue, "Red Guest", Participant.RED);
        List<Map<String, Map<String, Object>>> before = selectedPairs(red);
        System.err.println("selected candidate pairs of the home guest before the move: " + before);
        assertThat(before).as("both peer connections are connected").hasSize(2);
        for (Map<String, Map<String, Object>> pair : before) {
            assertThat(pair.get("local").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.NAT_PUBLIC_ADDRESS);
        }
        Object redId = red.evaluate("() => window.call.info.participantId");
        // when the home guest's call went reconnecting and back, in ms since the move
        red.evaluate("() => { window.__reconnects = 0; window.__timeline = []; window.call.on('isReconnectingChanged', () => {"
                + " if (window.call.isReconnecting) window.__reconnects++;"
                + " window.__timeline.push((window.call.isReconnecting ? 'reconnecting ' : 'reconnected ') + Math.round(performance.now() - window.__moved)); }); }");
        blue.evaluate("() => { window.__left = []; window.call.on('remoteParticipantsUpdated', (e) => { for (const p of e.removed) window.__left.push(p.displayName); }); }");
        long joins = porta.server().calling().node().joins();
        long restartsBefore = porta.server().mediaStats().ice().getOrDefault("ice-restarts", 0L);

        red.evaluate("() => { window.__moved = performance.now(); }");
        long moved = System.nanoTime();
        try {
            network.moveHomeGuest();
            long changed = System.nanoTime();
            MediaClock redSees = new MediaClock(framesFrom(red));
            MediaClock blueSees = new MediaClock(framesFrom(blue));
            long deadline = changed + java.util.concurrent.TimeUnit.SECONDS.toNanos(40);
            int fewestInMeeting = Integer.MAX_VALUE;
            while (!(redSees.steady() && blueSees.steady())) {
                assertThat(System.nanoTime()).as("media flows steadily both ways again; red " + redSees + ", blue " + blueSees
                        + "; paths " + red.evaluate("() => window.__probe.paths()")).isLessThan(deadline);
                long now = System.nanoTime();
                redSees.sample(now, framesFrom(red));
                blueSees.sample(now, framesFrom(blue));
                fewestInMeeting = Math.min(fewestInMeeting, porta.server().calling().node().participants());
                Thread.sleep(100);
            }
            double redBack = (redSees.backAt(changed) - moved) / 1e9;
            double blueBack = (blueSees.backAt(changed) - moved) / 1e9;
            System.err.printf("media back after the home guest moved: %.2f s at the home guest (video %s), %.2f s at the public guest (video %s)%n",
                    redBack, redSees, blueBack, blueSees);
            seesAndHears(red, "Blue Guest", Participant.BLUE);
            seesAndHears(blue, "Red Guest", Participant.RED);
            List<Map<String, Map<String, Object>>> after = selectedPairs(red);
            System.err.println("selected candidate pairs of the home guest after the move: " + after);
            System.err.println("selected candidate pairs of the public guest after the move: " + selectedPairs(blue));
            System.err.println("home guest's reconnecting episodes: " + red.evaluate("() => window.__reconnects")
                    + ", its call: " + red.evaluate("() => window.__timeline"));
            assertThat(after).as("both peer connections are connected").hasSize(2);
            for (Map<String, Map<String, Object>> pair : after) {
                // the new path: Porta sees the guest from the NAT's new public address
                assertThat(pair.get("local").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.NAT_NEW_PUBLIC_ADDRESS);
                assertThat(pair.get("remote").get("address")).as("media path " + pair).isEqualTo(RoutedNetwork.PUBLIC_ADDRESS);
            }
            // the bound the issue sets: media back within 5 s both ways
            assertThat(redBack).as("seconds until the home guest sees the other again").isLessThanOrEqualTo(5.0);
            assertThat(blueBack).as("seconds until the other guest sees the home guest again").isLessThanOrEqualTo(5.0);
            for (Page page : List.of(red, blue)) {
                assertThat(page.evaluate("() => window.call.state")).isEqualTo("Connected");
            }
            assertThat(red.evaluate("() => window.call.info.participantId")).as("no rejoin").isEqualTo(redId);
            assertThat(porta.server().calling().node().joins()).as("no rejoin: joins on the server").isEqualTo(joins);
            assertThat(fewestInMeeting).as("nobody left the roster while the guest moved").isEqualTo(2);
            assertThat((List<Object>) blue.evaluate("() => window.__left")).as("who the public guest saw leave").isEmpty();
            long restarts = porta.server().mediaStats().ice().getOrDefault("ice-restarts", 0L) - restartsBefore;
            System.err.println("ICE restarts the SFU counted: " + restarts);
            assertThat(restarts).as("ICE restarts of the home guest's two connections").isGreaterThanOrEqualTo(2);
        } finally {
            network.restoreHomeGuest();
        }
    }

    @SuppressWarnings("unchecked")
    private static long framesFrom(Page page) {
        List<Map<String, Object>> inbound = (List<Map<String, Object>>) page.evaluate("() => window.__probe.inbound()");
        return inbound.stream().filter(t -> "video".equals(t.get("kind"))).mapToLong(t -> ((Number) t.get("frames")).longValue()).max().orElse(0);
    }

    private static long counter(String rules, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(rules);
        if (!m.find()) {
            throw new IllegalStateException("no counter matching " + regex + " in:\n" + rules);
        }
        return Long.parseLong(m.group(1));
    }

    /** A meeting with the lobby open to everyone; Red joins it from home (behind the NAT), Blue from the public side. */
    private Page[] joinRedAtHomeAndBlueOnThePublicSide(String subject) throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        var graph = GraphSdk.graph(publicUrl, proxyCertificate, GraphSdk.credential(publicUrl, proxyCertificate, tenant,
                demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        OnlineMeeting meeting = graph.users().byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(m);
        var identity = Sdk.identityClientBuilder(porta, porta.connectionString())
                .httpClient(Sdk.trustingHttpClient(proxyCertificate)).buildClient();
        String origin = porta.baseUrl();
        assertThat(origin).isEqualTo(publicUrl);
        assertThat(meeting.getJoinWebUrl()).startsWith(origin);

        Page red = open(browsers.open(Participant.RED, "Red Guest", network.chromiumAtHome()), origin, "Red Guest",
                identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken(), meeting.getJoinWebUrl());
        Page blue = open(browsers.open(Participant.BLUE, "Blue Guest"), origin, "Blue Guest",
                identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken(), meeting.getJoinWebUrl());
        return new Page[] {red, blue};
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Map<String, Object>>> selectedPairs(Page page) {
        return (List<Map<String, Map<String, Object>>>) page.evaluate("() => window.__probe.selectedPairs()");
    }

    private Page open(Page page, String origin, String name, String token, String link) {
        String fragment = "token=" + enc(token) + "&link=" + enc(link) + "&name=" + enc(name);
        pages.add(page);
        page.navigate(origin + "examples/minimal-join.html#" + fragment);
        page.click("#join");
        return page;
    }

    @SuppressWarnings("unchecked")
    private void seesAndHears(Page page, String otherName, Participant other) {
        long stuck = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(55);
        browsers.await(otherName + "'s video plays (status " + page.textContent("#status") + ", errors "
                + page.evaluate("() => window.errors") + ")", 60_000, () -> {
                    if (System.nanoTime() > stuck) {
                        throw new AssertionError(otherName + "'s video does not play; paths: " + page.evaluate("() => window.__probe.paths()")
                                + "\npage log:\n" + String.join("\n", browsers.log));
                    }
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
