// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.TenantId;
import dev.porta.directory.oauth.Principal;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member signs in on Porta's own sign-in page (authorization code + PKCE) and uses the delegated
 * token with the official Graph SDK on {@code /me/onlineMeetings}; the calling service's member check
 * accepts the same token.
 */
class MemberDelegatedFlowTest {
    static final String REDIRECT = "https://app.example/signed-in";
    static RunningPorta porta;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    @Test
    void aMemberSignsInWithPkceAndSchedulesTheirOwnMeetingThroughTheGraphSdk() throws Exception {
        String tenant = porta.demo().get("tenantId").asText();
        String user = porta.demo().at("/members/0/userPrincipalName").asText();
        String password = porta.demo().at("/members/0/password").asText();
        AppRegistration webApp = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(), List.of(REDIRECT));
        String token = signIn(tenant, webApp.clientId().value(), user, password);

        Principal.Member member = porta.server().meetings().tokens().verifyMember(token).orElseThrow();
        assertThat(member.userPrincipalName()).isEqualTo(user);

        GraphServiceClient graph = GraphSdk.graph(porta, GraphSdk.fixed(token));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("My own meeting");
        m.setStartDateTime(OffsetDateTime.parse("2030-03-01T09:00:00Z"));
        m.setEndDateTime(OffsetDateTime.parse("2030-03-01T10:00:00Z"));
        OnlineMeeting created = graph.me().onlineMeetings().post(m);
        assertThat(created.getParticipants().getOrganizer().getIdentity().getUser().getId()).isEqualTo(member.memberId().value());
        assertThat(graph.me().onlineMeetings().byOnlineMeetingId(created.getId()).get().getSubject()).isEqualTo("My own meeting");

        String other = porta.demo().at("/members/1/id").asText();
        assertThatThrownBy(() -> graph.users().byUserId(other).onlineMeetings().post(new OnlineMeeting()))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(403));
    }

    private static String signIn(String tenant, String clientId, String user, String password) throws Exception {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("redirect_uri", REDIRECT);
        form.put("response_type", "code");
        form.put("scope", "https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile");
        form.put("state", "xyz");
        form.put("code_challenge", challenge);
        form.put("code_challenge_method", "S256");
        var http = porta.httpClient();
        String authorize = porta.baseUrl() + tenant + "/oauth2/v2.0/authorize";
        assertThat(http.send(HttpRequest.newBuilder(URI.create(authorize + "?" + encode(form))).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("<form method=\"post\"");
        form.put("username", user);
        form.put("password", password);
        var redirect = http.send(HttpRequest.newBuilder(URI.create(authorize)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        String code = URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        var token = http.send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("grant_type", "authorization_code", "client_id", clientId,
                        "code", code, "redirect_uri", REDIRECT, "code_verifier", verifier)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return new ObjectMapper().readTree(token.body()).get("access_token").asText();
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
