// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A member signs in on Porta's own sign-in page (authorization code + PKCE), as a browser app would. */
final class MemberSignIn {
    private MemberSignIn() { }

    /** Returns the member's delegated access token. */
    static String signIn(RunningPorta porta, String tenant, String clientId, String redirect, String user, String password) throws Exception {
        return signIn(porta, tenant, clientId, redirect, user, password, DEFAULT_SCOPE).get("access_token").asText();
    }

    private static final String DEFAULT_SCOPE = "https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile";

    /** Signs in asking for {@code scope} (MSAL adds {@code offline_access}); returns the token endpoint's whole answer. */
    static com.fasterxml.jackson.databind.JsonNode signIn(RunningPorta porta, String tenant, String clientId, String redirect, String user,
                                                         String password, String scope) throws Exception {
        Code code = authorize(porta, tenant, clientId, redirect, user, password, scope);
        var token = redeem(porta, tenant, clientId, redirect, code);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return new ObjectMapper().readTree(token.body());
    }

    /** An authorization code and the PKCE verifier that redeems it. */
    record Code(String code, String verifier) { }

    /** The sign-in page's half: the member signs in and Porta redirects back with a code. */
    static Code authorize(RunningPorta porta, String tenant, String clientId, String redirect, String user, String password) throws Exception {
        return authorize(porta, tenant, clientId, redirect, user, password, DEFAULT_SCOPE);
    }

    static Code authorize(RunningPorta porta, String tenant, String clientId, String redirect, String user, String password,
                          String scope) throws Exception {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("redirect_uri", redirect);
        form.put("response_type", "code");
        form.put("scope", scope);
        form.put("state", "xyz");
        form.put("code_challenge", challenge);
        form.put("code_challenge_method", "S256");
        var http = porta.httpClient();
        String authorize = porta.baseUrl() + tenant + "/oauth2/v2.0/authorize";
        assertThat(http.send(HttpRequest.newBuilder(URI.create(authorize + "?" + encode(form))).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("<form method=\"post\"");
        form.put("username", user);
        form.put("password", password);
        var answer = http.send(HttpRequest.newBuilder(URI.create(authorize)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        String location = answer.headers().firstValue("Location").orElseThrow();
        return new Code(URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8), verifier);
    }

    /** The app's half: the code for tokens at the token endpoint (of any node). */
    static HttpResponse<String> redeem(RunningPorta porta, String tenant, String clientId, String redirect, Code code) throws Exception {
        return porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("grant_type", "authorization_code", "client_id", clientId,
                        "code", code.code(), "redirect_uri", redirect, "code_verifier", code.verifier())))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The refresh request MSAL makes for a public client; returns the raw answer. */
    static HttpResponse<String> refresh(RunningPorta porta, String tenant, String clientId, String refreshToken, String scope) throws Exception {
        return porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("grant_type", "refresh_token", "client_id", clientId,
                        "refresh_token", refreshToken, "scope", scope, "client_info", "1")))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The member's calling token: the token exchange (RFC 8693) of their Graph token, as the members' app does. */
    static String callingToken(RunningPorta porta, String tenant, String graphToken) throws Exception {
        var token = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                        "subject_token", graphToken, "subject_token_type", "urn:ietf:params:oauth:token-type:access_token",
                        "audience", "urn:porta:calling")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return new ObjectMapper().readTree(token.body()).get("access_token").asText();
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Signs the demo's member number {@code index} (0 = the organizer) in to Porta's web app on {@code page}. */
    static void inWebApp(com.microsoft.playwright.Page page, RunningPorta porta, int index) {
        var demo = porta.demo();
        page.navigate(porta.baseUrl() + "app/");
        page.click("#signin");
        page.fill("#username", demo.at("/members/" + index + "/userPrincipalName").asText());
        page.fill("#password", demo.at("/members/" + index + "/password").asText());
        page.click("button[type=submit]");
        page.waitForSelector("#home-view:not([hidden])");
    }
}
