// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.common.testing.RealCoturn;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.Participant;
import dev.porta.media.turn.CoturnConfig;
import dev.porta.server.RunningPorta;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two guests whose CallClient forces {@code iceTransportPolicy: 'relay'} see and hear each other through a
 * real coturn, configured as {@code porta admin turn-config} prints, with the credentials Porta handed them
 * on admission; each peer connection's selected pair (from getStats) has a relay candidate on its side.
 */
@Tag("browser")
class TurnRelayBrowserTest {
    private static final String SECRET = "browser-test-secret-0123456789abcdef";
    static RealCoturn coturn;
    static RunningPorta porta;
    static Browsers browsers;

    @BeforeAll
    static void start() throws Exception {
        RealCoturn.require();
        int port = RealCoturn.freePort();
        int relay = RealCoturn.relayPortBase();
        // Porta's media address is loopback here: the relay may reach it (allowed-peer-ip), nothing else private
        String config = new CoturnConfig("porta.test", List.of("127.0.0.1"), port, 0, null, null, relay, relay + 50,
                List.of(), List.of("127.0.0.1")).render(SECRET);
        coturn = RealCoturn.start(port, config, "allow-loopback-peers");
        browsers = Browsers.start();
        porta = RunningPorta.start(Map.of("web.examples-enabled", "true",
                "turn.urls", "turn:127.0.0.1:" + port + "?transport=udp, turn:127.0.0.1:" + port + "?transport=tcp",
                "turn.shared-secret", SECRET), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browsers != null) {
                System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
                browsers.close();
            }
            if (porta != null) {
                porta.close();
            }
        } finally {
            if (coturn != null) {
                coturn.close();
            }
        }
    }

    @Test
    void twoGuestsForcedOntoTheRelaySeeAndHearEachOtherThroughCoturn() throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        String organizerId = demo.at("/members/0/id").asText();
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Through the relay");
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

        seesAndHears(red, "Blue Guest", Participant.BLUE);
        seesAndHears(blue, "Red Guest", Participant.RED);
        for (Page page : List.of(red, blue)) {
            List<Map<String, Map<String, Object>>> pairs = selectedPairs(page);
            System.err.println("selected candidate pairs: " + pairs);
            assertThat(pairs).as("both peer connections are connected").hasSize(2);
            for (Map<String, Map<String, Object>> pair : pairs) {
                assertThat(pair.get("local").get("type")).as("media path " + pair).isEqualTo("relay");
                assertThat(((Number) pair.get("remote").get("port")).intValue()).isEqualTo(porta.server().mediaPort());
            }
        }
        assertThat(porta.server().mediaStats().participantsByTransport()).as("the SFU counts them as relayed")
                .containsEntry("relay", 2L).containsEntry("udp", 0L).containsEntry("tcp", 0L);
        assertThat(coturn.alive()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Map<String, Object>>> selectedPairs(Page page) {
        return (List<Map<String, Map<String, Object>>>) page.evaluate("() => window.__probe.selectedPairs()");
    }

    private Page open(Participant who, String name, String token, String link) {
        Page page = browsers.open(who, name);
        String fragment = "token=" + enc(token) + "&link=" + enc(link) + "&name=" + enc(name) + "&relay=1";
        page.navigate(porta.baseUrl() + "examples/minimal-join.html#" + fragment);
        page.click("#join");
        return page;
    }

    @SuppressWarnings("unchecked")
    private void seesAndHears(Page page, String otherName, Participant other) {
        browsers.await(otherName + "'s video plays (status " + page.textContent("#status") + ", errors "
                + page.evaluate("() => window.errors") + "; coturn log:\n" + coturn.log() + ")", 60_000, () -> {
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
