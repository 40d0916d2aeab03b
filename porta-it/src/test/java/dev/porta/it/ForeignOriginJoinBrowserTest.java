// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.Participant;
import dev.porta.server.RunningPorta;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Review finding H1 in real browsers: a meeting link on another origin never gets a connection, let
 * alone the access token — neither from a page using the library nor from the members' app — and the
 * members' app joins its own links only after a click on its pre-join screen (M8).
 */
@Tag("browser")
class ForeignOriginJoinBrowserTest {
    static RunningPorta porta;
    static Browsers browsers;
    static JsonNode demo;
    /** The attacker's server: another origin on this machine that counts every connection made to it. */
    static ConnectionRecorder attacker;

    @BeforeAll
    static void start() throws Exception {
        browsers = Browsers.start();
        porta = RunningPorta.start(Map.of("web.examples-enabled", "true"), Clock.systemUTC());
        demo = porta.demo();
        attacker = new ConnectionRecorder();
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher DUMP_ON_FAILURE = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (browsers != null) {
                browsers.dump();
            }
        }
    };

    @AfterAll
    static void stop() throws IOException {
        if (browsers != null) {
            browsers.close();
        }
        if (porta != null) {
            porta.close();
        }
        if (attacker != null) {
            attacker.close();
        }
    }

    /** A Teams-shaped join link that points at the attacker's origin instead of Porta's. */
    private static String foreignLink() {
        return "https://127.0.0.1:" + attacker.port() + "/l/meetup-join/19%3ameeting_AAAAAAAAAAAAAAAAAAAAAAAA%40thread.v2/0";
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPageJoiningWithAForeignOriginLinkGetsMeetingOriginNotAllowedAndNoSocketIsEverOpenedThere() throws Exception {
        String guestToken = Sdk.identityClient(porta, porta.connectionString())
                .createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
        Page page = browsers.open(Participant.BLUE, "library page");
        List<String> sockets = new CopyOnWriteArrayList<>();
        page.onWebSocket(ws -> sockets.add(ws.url()));
        int before = attacker.connections();

        page.navigate(porta.baseUrl() + "examples/minimal-join.html#token=" + enc(guestToken) + "&link=" + enc(foreignLink())
                + "&name=" + enc("Pat Guest"));
        page.click("#join");
        browsers.await("the library refuses the link", 15_000, () -> page.evaluate("() => window.joinError") != null);

        Map<String, Object> error = (Map<String, Object>) page.evaluate("() => window.joinError");
        assertThat(error).containsEntry("name", "CallingError").containsEntry("reason", "meetingOriginNotAllowed")
                .containsEntry("code", 403).containsEntry("subCode", 46108);
        assertThat((String) error.get("message")).contains("https://127.0.0.1:" + attacker.port()).contains("allowedMeetingOrigins");
        assertThat(page.evaluate("() => window.call")).as("no call was created").isNull();
        assertThat(sockets).as("WebSockets the page opened").isEmpty();
        assertThat(attacker.connections()).as("connections to the attacker's origin").isEqualTo(before);
    }

    @Test
    void theMembersAppRefusesAForeignJoinLinkAndJoinsItsOwnLinksOnlyAfterAClickOnThePreJoinScreen() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Pre-join check");
        Page member = browsers.open(Participant.RED, "member");
        List<String> sockets = new CopyOnWriteArrayList<>();
        member.onWebSocket(ws -> sockets.add(ws.url()));
        signIn(member);
        int before = attacker.connections();

        // A foreign link in #join= is refused with a sentence, before anything else happens.
        member.navigate("about:blank");
        member.navigate(porta.baseUrl() + "app/#join=" + enc(foreignLink()));
        member.waitForSelector("#home-error:not([hidden])");
        assertThat(member.textContent("#home-error")).contains("https://127.0.0.1:" + attacker.port()).contains("not to this Porta server");
        assertThat(member.isHidden("#prejoin-view")).isTrue();
        assertThat(member.evaluate("() => window.portaCall")).isNull();

        // The same refusal in the join form.
        member.fill("#join-form [name=target]", foreignLink());
        member.click("#join-form button");
        assertThat(member.isHidden("#prejoin-view")).isTrue();
        assertThat(member.textContent("#home-error")).contains("not to this Porta server");
        assertThat(sockets).as("WebSockets after the foreign links").isEmpty();
        assertThat(attacker.connections()).as("connections to the attacker's origin").isEqualTo(before);

        // Porta's own link (through its /l/meetup-join redirect) shows the pre-join screen and does not join by itself.
        member.navigate("about:blank");
        member.navigate(meeting.getJoinWebUrl());
        member.waitForSelector("#prejoin-view:not([hidden])");
        member.waitForSelector("#prejoin-subject:has-text('Pre-join check')");
        assertThat(member.textContent("#prejoin-target")).isEqualTo(meeting.getJoinWebUrl());
        assertThat(member.isChecked("#prejoin-camera")).as("camera starts off").isFalse();
        assertThat(member.isChecked("#prejoin-microphone")).as("microphone starts off").isFalse();
        assertThat(member.evaluate("() => window.portaCall")).as("no call before the click").isNull();
        assertThat(sockets).as("WebSockets before the click").isEmpty();

        member.click("#prejoin-join");
        member.waitForSelector(".meeting[data-state=Connected]");
        assertThat(sockets).hasSize(1).allSatisfy(url -> assertThat(url).startsWith(porta.baseUrl().replace("https:", "wss:")));
        assertThat(member.evaluate("() => window.portaCall.isLocalVideoStarted")).isEqualTo(false);
        assertThat(member.evaluate("() => window.portaCall.isMuted")).isEqualTo(true);
        assertThat(attacker.connections()).isEqualTo(before);
    }

    private static OnlineMeeting scheduleMeeting(String subject) {
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, demo.get("tenantId").asText(), demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Organization);
        m.setLobbyBypassSettings(lobby);
        return graph.users().byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(m);
    }

    private static void signIn(Page page) {
        page.navigate(porta.baseUrl() + "app/");
        page.click("#signin");
        page.fill("#username", demo.at("/members/0/userPrincipalName").asText());
        page.fill("#password", demo.at("/members/0/password").asText());
        page.click("button[type=submit]");
        page.waitForSelector("#home-view:not([hidden])");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A TCP listener on 127.0.0.1 that accepts and counts connections, then hangs up (TLS never completes). */
    static final class ConnectionRecorder implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();

        ConnectionRecorder() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("attacker-listener").start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
