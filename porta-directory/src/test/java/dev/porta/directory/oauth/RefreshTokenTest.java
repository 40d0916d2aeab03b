// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.MutableClock;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.RefreshTokens;
import dev.porta.directory.TenantId;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Members' refresh tokens ({@code offline_access}) on the token endpoint, with the form posts MSAL
 * sends: rotation, reuse detection, revocation, client binding, lifetime, throttling, storage.
 */
class RefreshTokenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    private static final String REDIRECT = "https://app.example/callback";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-long-enough";
    /** What MSAL.js puts in {@code scope} for a Graph permission. */
    private static final String MSAL_SCOPE = "https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile offline_access";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private IssuerFixture fixture;
    private String base;
    private Directory directory;
    private TokenVerifier verifier;
    private AppRegistration web;
    private AppRegistration other;
    private Member megan;

    @BeforeEach
    void start() {
        fixture = new IssuerFixture(clock);
        directory = fixture.directory;
        verifier = fixture.verifier;
        base = fixture.serve(fixture.tokenRoutes().withRefreshTokens(new RefreshTokens(fixture.store, Duration.ofHours(24), clock)));
        directory.createTenant(TENANT, "Contoso");
        web = directory.registerApp(TENANT, "Members' app", Set.of(), List.of(REDIRECT));
        other = directory.registerApp(TENANT, "Other app", Set.of(), List.of(REDIRECT));
        megan = directory.addMember(TENANT, "megan@contoso.example", "Megan Bowen", "correct horse");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aMemberWhoAsksForOfflineAccessGetsARefreshTokenThatRotatesOnEveryUse() throws Exception {
        JsonNode first = signIn(MSAL_SCOPE);
        assertThat(first.get("scope").asText()).isEqualTo("OnlineMeetings.ReadWrite offline_access");
        String rt1 = first.get("refresh_token").asText();
        assertThat(first.get("refresh_token_expires_in").asLong()).isEqualTo(Duration.ofHours(24).toSeconds());

        clock.advance(Duration.ofMinutes(50));
        var second = refresh(rt1, web);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(second.body());
        String rt2 = body.get("refresh_token").asText();
        assertThat(rt2).isNotEqualTo(rt1);
        assertThat(body.get("refresh_token_expires_in").asLong()).isEqualTo(Duration.ofHours(24).minusMinutes(50).toSeconds());
        assertThat(verifier.verify(body.get("access_token").asText())).isEqualTo(new TokenVerifier.Result.Valid(
                new Principal.Member(TENANT, megan.id(), "Megan Bowen", "megan@contoso.example", web.clientId(),
                        Set.of("OnlineMeetings.ReadWrite"))));

        clock.advance(Duration.ofMinutes(50));
        var third = refresh(rt2, web);
        assertThat(third.statusCode()).as(third.body()).isEqualTo(200);
        assertThat(JSON.readTree(third.body()).get("refresh_token").asText()).isNotIn(rt1, rt2);
    }

    @Test
    void aSignInWithoutOfflineAccessGetsNoRefreshToken() throws Exception {
        JsonNode token = signIn("https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile");

        assertThat(token.has("refresh_token")).isFalse();
        assertThat(token.get("scope").asText()).isEqualTo("OnlineMeetings.ReadWrite");
        assertThat(verifier.verify(token.get("access_token").asText())).isInstanceOf(TokenVerifier.Result.Valid.class);
    }

    @Test
    void aRefreshTokenUsedTwiceRevokesItsWholeFamilyButNotTheMembersOtherSignIns() throws Exception {
        String stolen = signIn(MSAL_SCOPE).get("refresh_token").asText();
        String otherDevice = signIn(MSAL_SCOPE).get("refresh_token").asText();
        String legit = JSON.readTree(refresh(stolen, web).body()).get("refresh_token").asText();

        var replay = refresh(stolen, web);
        assertError(replay, "invalid_grant", 70043);
        assertError(refresh(legit, web), "invalid_grant", 50173);
        assertThat(refresh(otherDevice, web).statusCode()).isEqualTo(200);
    }

    @Test
    void twoRefreshesRacingWithOneTokenLeaveNoLiveToken() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        List<HttpResponse<String>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var a = pool.submit(() -> refresh(rt, web));
            var b = pool.submit(() -> refresh(rt, web));
            answers.add(a.get());
            answers.add(b.get());
        }

        List<HttpResponse<String>> won = answers.stream().filter(r -> r.statusCode() == 200).toList();
        assertThat(won).hasSizeLessThanOrEqualTo(1);
        for (var w : won) {
            assertThat(refresh(JSON.readTree(w.body()).get("refresh_token").asText(), web).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aNewPasswordRevokesTheMembersRefreshTokens() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        directory.updateMember(TENANT, megan.id(), null, "a new battery staple", null);

        assertError(refresh(rt, web), "invalid_grant", 50173);
    }

    @Test
    void aNewDisplayNameRevokesNothing() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        directory.updateMember(TENANT, megan.id(), "Megan B.", null, null);

        assertThat(refresh(rt, web).statusCode()).isEqualTo(200);
    }

    @Test
    void disablingTheMemberOrAnAdminsRevocationEndsTheirSignIns() throws Exception {
        String beforeAdmin = signIn(MSAL_SCOPE).get("refresh_token").asText();
        assertThat(directory.revokeSignInSessions(TENANT, megan.id())).isEqualTo(1);
        assertError(refresh(beforeAdmin, web), "invalid_grant", 50173);

        String beforeDisable = signIn(MSAL_SCOPE).get("refresh_token").asText();
        directory.updateMember(TENANT, megan.id(), null, null, false);
        assertError(refresh(beforeDisable, web), "invalid_grant", 50173);
        directory.updateMember(TENANT, megan.id(), null, null, true);
        assertError(refresh(beforeDisable, web), "invalid_grant", 50173);
    }

    @Test
    void deletingTheMemberDeletesTheirRefreshTokens() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        directory.deleteMember(TENANT, megan.id());

        assertError(refresh(rt, web), "invalid_grant", 70000);
        assertThat(rows()).isZero();
    }

    @Test
    void aRefreshTokenWorksOnlyForTheAppAndTenantItWasIssuedTo() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        assertError(refresh(rt, other), "invalid_grant", 70000);
        directory.createTenant(new TenantId("33333333-3333-4333-8333-333333333333"), "Fabrikam");
        var foreign = post("/33333333-3333-4333-8333-333333333333/oauth2/v2.0/token", Map.of("grant_type", "refresh_token",
                "client_id", web.clientId().value(), "refresh_token", rt));
        assertError(foreign, "invalid_grant", 70000);
        assertThat(refresh(rt, web).statusCode()).isEqualTo(200); // presenting it to the wrong app burnt nothing
    }

    @Test
    void theSignInEndsWhenTheRefreshLifetimeEndsHoweverOftenItIsRefreshed() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();
        for (int i = 0; i < 23; i++) {
            clock.advance(Duration.ofHours(1));
            var r = refresh(rt, web);
            assertThat(r.statusCode()).isEqualTo(200);
            rt = JSON.readTree(r.body()).get("refresh_token").asText();
        }

        clock.advance(Duration.ofHours(1));
        assertError(refresh(rt, web), "invalid_grant", 700082);
    }

    @Test
    void madeUpRefreshTokensAreChargedBeforeTheLookupAndThrottledWhileGoodOnesAreNot() throws Exception {
        String good = signIn(MSAL_SCOPE).get("refresh_token").asText();
        for (int i = 0; i < 5; i++) {
            var r = refresh(good, web);
            assertThat(r.statusCode()).isEqualTo(200);
            good = JSON.readTree(r.body()).get("refresh_token").asText();
        }

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(refresh("guess-" + i, web).statusCode());
        }

        assertThat(statuses).containsExactly(400, 400, 400, 429, 429);
        assertThat(refresh(good, web).statusCode()).isEqualTo(429);
    }

    @Test
    void onlyAHashOfEachRefreshTokenIsStored() throws Exception {
        String rt = signIn(MSAL_SCOPE).get("refresh_token").asText();

        try (var c = fixture.db.database().connection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM directory_refresh_token")) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(rs.getObject(i))).doesNotContain(rt);
            }
            assertThat(rs.getString("token_hash")).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(rt.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void theOpenIdConfigurationListsTheRefreshGrant() throws Exception {
        var doc = http.send(HttpRequest.newBuilder(URI.create(base + TENANT + "/v2.0/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(doc.body()).get("grant_types_supported").toString()).contains("\"refresh_token\"");
    }

    // ---- helpers: the requests MSAL.js makes for a public client

    private JsonNode signIn(String scope) throws Exception {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("client_id", web.clientId().value());
        f.put("redirect_uri", REDIRECT);
        f.put("response_type", "code");
        f.put("scope", scope);
        f.put("state", "s");
        f.put("code_challenge", AuthorizationCodeGrant.s256(VERIFIER));
        f.put("code_challenge_method", "S256");
        f.put("username", "megan@contoso.example");
        f.put("password", "correct horse");
        var redirect = post("/" + TENANT + "/oauth2/v2.0/authorize", f);
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        String code = URLDecoder.decode(location.replaceAll(".*code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        var token = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "authorization_code", "client_id",
                web.clientId().value(), "code", code, "redirect_uri", REDIRECT, "code_verifier", VERIFIER, "scope", scope,
                "client_info", "1"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return JSON.readTree(token.body());
    }

    private HttpResponse<String> refresh(String refreshToken, AppRegistration client) throws Exception {
        return post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "refresh_token", "client_id", client.clientId().value(),
                "refresh_token", refreshToken, "scope", MSAL_SCOPE, "client_info", "1",
                "claims", "{\"access_token\":{\"xms_cc\":{\"values\":[\"CP1\"]}}}"));
    }

    private static void assertError(HttpResponse<String> res, String error, int code) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(code);
    }

    private int rows() throws Exception {
        try (var c = fixture.db.database().connection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM directory_refresh_token")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&")))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
