// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.directory.TenantId;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.MinimalJoinPages;
import dev.porta.it.browser.Participant;
import dev.porta.server.RunningPorta;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Media through the wired server: two browsers use Porta's calling library, served by Porta, to join
 * one meeting — the organizer signed in as a member, a guest with an Identity-SDK token — and each
 * sees the other's camera colour and hears the other's tone through the calling service and the SFU.
 */
@Tag("browser")
class LibraryMediaBrowserTest {
    static RunningPorta porta;
    static Browsers browsers;
    static MinimalJoinPages pages;

    @BeforeAll
    static void start() throws Exception {
        browsers = Browsers.start();
        pages = new MinimalJoinPages(browsers);
        porta = RunningPorta.start(Map.of("web.examples-enabled", "true"), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
            browsers.close();
        }
        if (porta != null) {
            porta.close();
        }
    }

    @Test
    void aSignedInOrganizerAndAGuestSeeAndHearEachOtherThroughTheLibraryAlsoAfterTheGuestsConnectionDrops() throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        String organizerId = demo.at("/members/0/id").asText();
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("First media");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        OnlineMeeting meeting = graph.users().byUserId(organizerId).onlineMeetings().post(m);

        var web = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Test page", Set.of(),
                List.of("https://app.example/signed-in"));
        String organizerToken = MemberSignIn.callingToken(porta, tenant, MemberSignIn.signIn(porta, tenant, web.clientId().value(),
                "https://app.example/signed-in", demo.at("/members/0/userPrincipalName").asText(), demo.at("/members/0/password").asText()));
        String guestToken = Sdk.identityClient(porta, porta.connectionString())
                .createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();

        Page organizer = open(Participant.RED, "organizer", organizerToken, null, meeting.getJoinWebUrl());
        Page guest = open(Participant.BLUE, "guest", guestToken, "Pat Guest", meeting.getJoinWebUrl());
        String organizerName = demo.at("/members/0/displayName").asText();

        pages.seesAndHears(organizer, "Pat Guest", Participant.BLUE);
        pages.seesAndHears(guest, organizerName, Participant.RED);

        // The guest's signaling connection drops: the library resumes within the grace period, the call
        // stays Connected, media is renegotiated, and both still see each other (fresh frames).
        assertThat(((Number) guest.evaluate("() => window.__probe.dropSockets()")).intValue()).isOne();
        browsers.await("the guest's call resumes", 30_000, () -> (Boolean) guest.evaluate(
                "() => window.call.state === 'Connected' && !window.call.isReconnecting && window.__probe.socketsOpen() === 1"));
        long before = framesFrom(guest);
        browsers.await("the guest decodes new frames of the organizer after the resume", 20_000, () -> framesFrom(guest) > before + 30);
        pages.seesAndHears(organizer, "Pat Guest", Participant.BLUE);
        pages.seesAndHears(guest, organizerName, Participant.RED);
        assertThat(guest.textContent("#status")).isEqualTo("Connected");
    }

    @SuppressWarnings("unchecked")
    private static long framesFrom(Page page) {
        List<Map<String, Object>> inbound = (List<Map<String, Object>>) page.evaluate("() => window.__probe.inbound()");
        return inbound.stream().filter(t -> "video".equals(t.get("kind"))).mapToLong(t -> ((Number) t.get("frames")).longValue()).max().orElse(0);
    }

    private Page open(Participant who, String label, String token, String name, String link) {
        Page page = browsers.open(who, label);
        String pageUrl = porta.baseUrl() + "examples/minimal-join.html";
        String fragment = "token=" + enc(token) + "&link=" + enc(link) + (name == null ? "" : "&name=" + enc(name));
        page.navigate(pageUrl + "#" + fragment);
        page.click("#join"); // the example page never joins on its own
        return page;
    }


    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
