// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.porta.common.MutableClock;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.TenantId;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token-exchange grant (review finding H1): a member's Graph token becomes a short-lived calling
 * token, and the two audiences never stand in for each other.
 */
class TokenExchangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    private static final TenantId OTHER_TENANT = new TenantId("44444444-4444-4444-8444-444444444444");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private IssuerFixture fixture;
    private String base;
    private Directory directory;
    private TokenVerifier verifier;
    private TokenIssuer graphIssuer;
    private AppRegistration webApp;
    private Member megan;

    @BeforeEach
    void start() {
        fixture = new IssuerFixture(clock);
        directory = fixture.directory;
        verifier = fixture.verifier;
        graphIssuer = fixture.issuer;
        var callingIssuer = new TokenIssuer(fixture.keys, fixture::base, Duration.ofMinutes(10), clock);
        base = fixture.serve(fixture.tokenRoutes().withTokenExchange(new TokenExchangeGrant(verifier, callingIssuer, directory, clock)));
        directory.createTenant(TENANT, "Contoso");
        webApp = directory.registerApp(TENANT, "Members' app", Set.of(), List.of("https://app.example/callback"));
        megan = directory.addMember(TENANT, "megan@contoso.example", "Megan Bowen", "correct horse");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private String graphToken(Member member, AppRegistration client) {
        return graphIssuer.issueMemberToken(member, client.clientId(), Audiences.GRAPH, Set.of("OnlineMeetings.ReadWrite")).accessToken();
    }

    @Test
    void aMembersGraphTokenIsExchangedForAShortLivedTokenWhoseOnlyAudienceIsCalling() throws Exception {
        var res = exchange(graphToken(megan, webApp), Map.of("audience", Audiences.CALLING, "client_id", webApp.clientId().value()));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("issued_token_type").asText()).isEqualTo(TokenExchangeGrant.ACCESS_TOKEN_TYPE);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(599);
        var claims = SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(Audiences.CALLING);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(claims.getStringClaim("oid")).isEqualTo(megan.id().value());
        assertThat(claims.getStringClaim("appid")).isEqualTo(webApp.clientId().value());

        assertThat(verifier.verifyCallingMember(body.get("access_token").asText())).hasValueSatisfying(m -> {
            assertThat(m.memberId()).isEqualTo(megan.id());
            assertThat(m.tenant()).isEqualTo(TENANT);
        });
    }

    @Test
    void theScopeFormOfTheRequestWorksToo() throws Exception {
        var res = exchange(graphToken(megan, webApp), Map.of("scope", Audiences.CALLING + "/.default"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }

    @Test
    void theGraphApiRefusesACallingToken() throws Exception {
        String calling = callingToken(graphToken(megan, webApp));

        assertThat(verifier.verify(calling)).isEqualTo(new TokenVerifier.Result.Refused("Invalid audience."));
        assertThat(verifier.verifyMember(calling)).isEmpty();
    }

    @Test
    void theCallingServiceRefusesAGraphToken() {
        String graph = graphToken(megan, webApp);

        assertThat(verifier.verify(graph)).isInstanceOf(TokenVerifier.Result.Valid.class);
        assertThat(verifier.verifyCallingMember(graph)).isEmpty();
    }

    @Test
    void aCallingTokenCannotBeExchangedAgainToOutliveItsGraphToken() throws Exception {
        String calling = callingToken(graphToken(megan, webApp));

        var res = exchange(calling, Map.of("audience", Audiences.CALLING));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void anExpiredGraphTokenIsRefused() throws Exception {
        String graph = graphToken(megan, webApp);
        clock.advance(Duration.ofHours(1).plusMinutes(3));

        var res = exchange(graph, Map.of("audience", Audiences.CALLING));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void aGraphTokenOfAnotherTenantIsRefusedAtThisTenantsEndpoint() throws Exception {
        directory.createTenant(OTHER_TENANT, "Fabrikam");
        var theirApp = directory.registerApp(OTHER_TENANT, "Their app", Set.of(), List.of("https://fabrikam.example/cb"));
        var theirMember = directory.addMember(OTHER_TENANT, "eve@fabrikam.example", "Eve", "a long password");
        String theirs = graphToken(theirMember, theirApp);

        var res = exchange(theirs, Map.of("audience", Audiences.CALLING));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void anAppOnlyTokenAndADisabledMembersTokenAreRefused() throws Exception {
        var daemon = directory.registerApp(TENANT, "Daemon", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of());
        String appToken = graphIssuer.issueAppToken(daemon, Audiences.GRAPH).accessToken();
        assertThat(exchange(appToken, Map.of("audience", Audiences.CALLING)).statusCode()).isEqualTo(400);

        String graph = graphToken(megan, webApp);
        directory.updateMember(TENANT, megan.id(), null, null, false);
        assertThat(exchange(graph, Map.of("audience", Audiences.CALLING)).statusCode()).isEqualTo(400);
    }

    @Test
    void theCallingTokenNeverOutlivesTheGraphTokenItCameFrom() throws Exception {
        String graph = graphToken(megan, webApp);
        clock.advance(Duration.ofMinutes(55));

        var claims = SignedJWT.parse(callingToken(graph)).getJWTClaimsSet();

        assertThat(claims.getExpirationTime()).isEqualTo(SignedJWT.parse(graph).getJWTClaimsSet().getExpirationTime());
    }

    @Test
    void aTargetOtherThanCallingOrAnotherClientIsRefused() throws Exception {
        String graph = graphToken(megan, webApp);
        assertThat(exchange(graph, Map.of("audience", Audiences.GRAPH)).statusCode()).isEqualTo(400);
        assertThat(exchange(graph, Map.of("scope", "https://graph.microsoft.com/.default")).statusCode()).isEqualTo(400);
        assertThat(exchange(graph, Map.of()).statusCode()).isEqualTo(400);
        var other = directory.registerApp(TENANT, "Other", Set.of(), List.of("https://other.example/cb"));
        var res = exchange(graph, Map.of("audience", Audiences.CALLING, "client_id", other.clientId().value()));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("not issued to this client_id");
    }

    @Test
    void theOpenIdConfigurationAdvertisesTheGrant() throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create(base + TENANT + "/v2.0/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(res.body()).get("grant_types_supported").toString()).contains(TokenExchangeGrant.GRANT_TYPE);
    }

    private String callingToken(String graph) throws Exception {
        var res = exchange(graph, Map.of("audience", Audiences.CALLING));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body()).get("access_token").asText();
    }

    private HttpResponse<String> exchange(String subject, Map<String, String> extra) throws Exception {
        Map<String, String> form = new HashMap<>(extra);
        form.put("grant_type", TokenExchangeGrant.GRANT_TYPE);
        form.put("subject_token", subject);
        form.put("subject_token_type", TokenExchangeGrant.ACCESS_TOKEN_TYPE);
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(base + TENANT + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
