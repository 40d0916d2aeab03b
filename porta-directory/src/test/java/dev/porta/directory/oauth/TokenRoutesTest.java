// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.SigningKeyRing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.porta.common.MutableClock;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.Member;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.TenantId;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The issuer's HTTP surface in process, over plain HTTP on loopback. */
class TokenRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    private static final String REDIRECT = "https://app.example/callback";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private IssuerFixture fixture;
    private String base;
    private Directory directory;
    private TokenVerifier verifier;
    private AppRegistration reader;
    private String secret;
    private Member megan;
    private PasswordHasher hasher;
    private dev.porta.directory.audit.JdbcAuditLog auditLog;

    @BeforeEach
    void start() {
        fixture = new IssuerFixture(clock);
        directory = fixture.directory;
        verifier = fixture.verifier;
        hasher = fixture.hasher;
        auditLog = new dev.porta.directory.audit.JdbcAuditLog(fixture.db.database());
        base = fixture.serve(fixture.tokenRoutes().withAudit(new dev.porta.directory.audit.Audit(auditLog, clock)));
        directory.createTenant(TENANT, "Contoso");
        reader = directory.registerApp(TENANT, "Reader", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of(REDIRECT));
        secret = directory.addClientSecret(TENANT, reader.clientId(), null).value();
        megan = directory.addMember(TENANT, "megan@contoso.example", "Megan Bowen", "correct horse");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void clientCredentialsWithTheMsalExtrasGiveAnRs256TokenWithGraphClaims() throws Exception {
        var res = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials", "client_id", reader.clientId().value(),
                "client_secret", secret, "scope", "https://graph.microsoft.com/.default openid profile offline_access",
                "client_info", "1", "claims", "{\"access_token\":{\"xms_cc\":{\"values\":[\"CP1\"]}}}"), Map.of("client-request-id", "abc-123"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("client-request-id")).contains("abc-123");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("expires_in").asLong()).isEqualTo(3599);
        SignedJWT jwt = SignedJWT.parse(body.get("access_token").asText());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("https://graph.microsoft.com");
        assertThat(claims.getIssuer()).isEqualTo(base + TENANT + "/v2.0");
        assertThat(claims.getStringClaim("tid")).isEqualTo(TENANT.value());
        assertThat(claims.getStringClaim("appid")).isEqualTo(reader.clientId().value());
        assertThat(claims.getStringClaim("azp")).isEqualTo(reader.clientId().value());
        assertThat(claims.getStringClaim("idtyp")).isEqualTo("app");
        assertThat(claims.getStringClaim("oid")).isEqualTo(reader.objectId());
        assertThat(claims.getStringListClaim("roles")).containsExactly("OnlineMeetings.Read.All");
        assertThat(claims.getClaim("scp")).isNull();

        assertThat(verifier.verify(body.get("access_token").asText())).isEqualTo(new TokenVerifier.Result.Valid(
                new Principal.App(TENANT, reader.clientId(), EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL))));
    }

    @Test
    void clientSecretBasicIsAcceptedToo() throws Exception {
        String basic = Base64.getEncoder().encodeToString((reader.clientId() + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        var res = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials",
                "scope", base + ".default"), Map.of("Authorization", "Basic " + basic));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(SignedJWT.parse(JSON.readTree(res.body()).get("access_token").asText()).getJWTClaimsSet().getAudience())
                .containsExactly(base.substring(0, base.length() - 1));
    }

    @Test
    void aWrongSecretAndAnUnknownClientGetTheSame401AndRepeatedFailuresAreThrottled() throws Exception {
        var wrong = clientCredentials(reader.clientId().value(), secret + "x");
        var unknown = clientCredentials("33333333-3333-4333-8333-333333333333", secret);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("invalid_client");
        assertThat(JSON.readTree(wrong.body()).get("error_description")).isEqualTo(JSON.readTree(unknown.body()).get("error_description"));

        clientCredentials(reader.clientId().value(), "x");
        clientCredentials(reader.clientId().value(), "y");
        var throttled = clientCredentials(reader.clientId().value(), secret);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();

        clock.advance(Duration.ofMinutes(2));
        assertThat(clientCredentials(reader.clientId().value(), secret).statusCode()).isEqualTo(200);
    }

    @Test
    void aParallelBurstOfWrongClientSecretsGetsExactlyTheLimitChecked() throws Exception {
        long before = hasher.verifications();

        List<Integer> statuses = burst(100, i -> clientCredentials(reader.clientId().value(), "guess-" + i).statusCode());

        assertThat(statuses).filteredOn(s -> s == 401).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(97);
        assertThat(hasher.verifications() - before).as("Argon2 runs").isEqualTo(3);
    }

    @Test
    void aParallelBurstOfWrongPasswordsGetsExactlyTheLimitEvaluated() throws Exception {
        long before = hasher.verifications();

        List<Integer> statuses = burst(100, i -> post("/" + TENANT + "/oauth2/v2.0/authorize",
                signIn("megan@contoso.example", "wrong-" + i), Map.of()).statusCode());

        assertThat(statuses).filteredOn(s -> s == 401).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(97);
        assertThat(hasher.verifications() - before).as("Argon2 runs").isEqualTo(3);
    }

    @Test
    void aFailedSignInIsAuditedWithTheUserNameAppAndAddressButNotThePasswordTyped() throws Exception {
        assertThat(postFrom("127.0.0.5", "/" + TENANT + "/oauth2/v2.0/authorize", signIn(" Megan@Contoso.example", "Tr0ub4dor&3-typed")))
                .isEqualTo(401);

        var events = auditLog.find(dev.porta.directory.audit.AuditQuery.all(10));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(dev.porta.directory.audit.AuditAction.MEMBER_SIGN_IN_FAILED);
            assertThat(e.tenant()).contains(TENANT);
            assertThat(e.actor().value()).isEqualTo("anonymous");
            assertThat(e.target()).isEqualTo("megan@contoso.example");
            assertThat(e.clientAddress()).isEqualTo("127.0.0.5");
            assertThat(e.details()).containsEntry("appId", reader.clientId().value());
            assertThat(e.toJson().toString()).doesNotContain("Tr0ub4dor");
        });
    }

    @Test
    void aFloodOfWrongPasswordsStoresOnlyTheAttemptsTheLimiterLetThrough() throws Exception {
        List<Integer> statuses = burst(100, i -> post("/" + TENANT + "/oauth2/v2.0/authorize",
                signIn("megan@contoso.example", "wrong-" + i), Map.of()).statusCode());

        assertThat(statuses).filteredOn(s -> s == 429).hasSize(97);
        assertThat(auditLog.find(dev.porta.directory.audit.AuditQuery.all(1000))).hasSize(3)
                .allSatisfy(e -> assertThat(e.action()).isEqualTo(dev.porta.directory.audit.AuditAction.MEMBER_SIGN_IN_FAILED));
    }

    @Test
    void aWrongClientSecretIsAuditedWithTheClientIdButNotTheSecret() throws Exception {
        var res = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials", "client_id", reader.clientId().value(),
                "client_secret", secret + "-guessed", "scope", "https://graph.microsoft.com/.default"), Map.of());
        assertThat(res.statusCode()).isEqualTo(401);

        assertThat(auditLog.find(dev.porta.directory.audit.AuditQuery.all(10))).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(dev.porta.directory.audit.AuditAction.CLIENT_SECRET_FAILED);
            assertThat(e.target()).isEqualTo(reader.clientId().value());
            assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
            assertThat(e.toJson().toString()).doesNotContain(secret).doesNotContain("guessed");
        });
    }

    @Test
    void spellingVariantsOfAUserNameShareOneAllowance() throws Exception {
        for (String variant : List.of("megan@contoso.example", " megan@contoso.example", "MEGAN@contoso.example ")) {
            assertThat(postFrom("127.0.0.2", "/" + TENANT + "/oauth2/v2.0/authorize", signIn(variant, "wrong horse")))
                    .isEqualTo(401);
        }

        // From a fresh address, so only the account's allowance can refuse it.
        assertThat(postFrom("127.0.0.3", "/" + TENANT + "/oauth2/v2.0/authorize", signIn(" Megan@Contoso.example", "correct horse")))
                .isEqualTo(429);
        assertThat(postFrom("127.0.0.3", "/" + TENANT + "/oauth2/v2.0/authorize", signIn("adele@contoso.example", "whatever")))
                .as("other accounts are not affected").isEqualTo(401);
    }

    @Test
    void successfulSignInsDoNotUseUpTheAllowance() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertThat(post("/" + TENANT + "/oauth2/v2.0/authorize", signIn("megan@contoso.example", "correct horse"), Map.of())
                    .statusCode()).isEqualTo(302);
        }
        assertThat(post("/" + TENANT + "/oauth2/v2.0/authorize", signIn("megan@contoso.example", "wrong horse"), Map.of())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void badRequestsGetTheirOAuthErrorCodes() throws Exception {
        var foreignResource = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials",
                "client_id", reader.clientId().value(), "client_secret", secret, "scope", "https://vault.azure.net/.default"), Map.of());
        assertThat(foreignResource.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(foreignResource.body()).get("error").asText()).isEqualTo("invalid_scope");

        var password = post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "password"), Map.of());
        assertThat(JSON.readTree(password.body()).get("error").asText()).isEqualTo("unsupported_grant_type");

        var unknownTenant = post("/33333333-3333-4333-8333-333333333333/oauth2/v2.0/token", Map.of("grant_type", "client_credentials"), Map.of());
        assertThat(unknownTenant.statusCode()).isEqualTo(400);
        assertThat(unknownTenant.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void tamperedExpiredAndForeignTokensAreRefused() throws Exception {
        String token = JSON.readTree(clientCredentials(reader.clientId().value(), secret).body()).get("access_token").asText();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("OnlineMeetings.Read.All", "OnlineMeetings.ReadWrite.All");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(verifier.verify(tampered)).isInstanceOf(TokenVerifier.Result.Refused.class);
        assertThat(verifier.verify("")).isEqualTo(new TokenVerifier.Result.Refused("Access token is empty."));

        // Another Porta (its own keys) issuing for the same tenant id is not trusted.
        try (var other = TestDatabases.h2()) {
            var otherStore = new JdbcDirectoryStore(other.database(), dev.porta.common.SecretBox.ephemeral());
            var otherIssuer = new TokenIssuer(new SigningKeyRing(otherStore, clock), () -> base, Duration.ofHours(1), clock);
            String foreign = otherIssuer.issueAppToken(reader, "https://graph.microsoft.com").accessToken();
            assertThat(verifier.verify(foreign)).isInstanceOf(TokenVerifier.Result.Refused.class);
        }

        clock.advance(Duration.ofMinutes(63));
        assertThat(verifier.verify(token)).isInstanceOf(TokenVerifier.Result.Refused.class);
    }

    @Test
    void aMemberSignsInWithPkceAndGetsADelegatedToken() throws Exception {
        String verifierText = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-long-enough";
        String challenge = AuthorizationCodeGrant.s256(verifierText);
        Map<String, String> authorize = new LinkedHashMap<>();
        authorize.put("client_id", reader.clientId().value());
        authorize.put("redirect_uri", REDIRECT);
        authorize.put("response_type", "code");
        authorize.put("scope", "https://graph.microsoft.com/OnlineMeetings.ReadWrite openid");
        authorize.put("state", "s<1>");
        authorize.put("code_challenge", challenge);
        authorize.put("code_challenge_method", "S256");

        var page = http.send(HttpRequest.newBuilder(URI.create(base + TENANT + "/oauth2/v2.0/authorize?" + form(authorize))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"").contains("s&lt;1&gt;").doesNotContain("s<1>");

        Map<String, String> wrong = new LinkedHashMap<>(authorize);
        wrong.put("username", "megan@contoso.example");
        wrong.put("password", "wrong horse");
        assertThat(post("/" + TENANT + "/oauth2/v2.0/authorize", wrong, Map.of()).statusCode()).isEqualTo(401);

        Map<String, String> signIn = new LinkedHashMap<>(authorize);
        signIn.put("username", "megan@contoso.example");
        signIn.put("password", "correct horse");
        var redirect = post("/" + TENANT + "/oauth2/v2.0/authorize", signIn, Map.of());
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?code=").contains("state=s%3C1%3E");
        String code = java.net.URLDecoder.decode(location.replaceAll(".*code=([^&]+).*", "$1"), StandardCharsets.UTF_8);

        Map<String, String> exchange = Map.of("grant_type", "authorization_code", "client_id", reader.clientId().value(),
                "code", code, "redirect_uri", REDIRECT, "code_verifier", verifierText);
        var token = post("/" + TENANT + "/oauth2/v2.0/token", exchange, Map.of());
        assertThat(token.statusCode()).isEqualTo(200);
        var result = verifier.verify(JSON.readTree(token.body()).get("access_token").asText());
        assertThat(result).isInstanceOfSatisfying(TokenVerifier.Result.Valid.class, v -> assertThat(v.principal())
                .isEqualTo(new Principal.Member(TENANT, megan.id(), "Megan Bowen", "megan@contoso.example", reader.clientId(),
                        java.util.Set.of("OnlineMeetings.ReadWrite"))));

        var replay = post("/" + TENANT + "/oauth2/v2.0/token", exchange, Map.of());
        assertThat(JSON.readTree(replay.body()).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void anUnregisteredRedirectUriIsNeverRedirectedTo() throws Exception {
        var page = http.send(HttpRequest.newBuilder(URI.create(base + TENANT + "/oauth2/v2.0/authorize?client_id=" + reader.clientId()
                + "&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void discoveryDocumentsPointAtThisIssuer() throws Exception {
        JsonNode oidc = JSON.readTree(get("/" + TENANT + "/v2.0/.well-known/openid-configuration").body());
        assertThat(oidc.get("issuer").asText()).isEqualTo(base + TENANT + "/v2.0");
        assertThat(oidc.get("token_endpoint").asText()).isEqualTo(base + TENANT + "/oauth2/v2.0/token");
        JsonNode jwks = JSON.readTree(get("/" + TENANT + "/discovery/v2.0/keys").body());
        assertThat(jwks.get("keys").get(0).get("kty").asText()).isEqualTo("RSA");
        assertThat(jwks.get("keys").get(0).has("d")).isFalse();
        JsonNode instance = JSON.readTree(get("/common/discovery/instance?api-version=1.1&authorization_endpoint="
                + URLEncoder.encode("https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/authorize", StandardCharsets.UTF_8)).body());
        assertThat(instance.get("tenant_discovery_endpoint").asText()).isEqualTo(base + TENANT + "/v2.0/.well-known/openid-configuration");
    }

    private Map<String, String> signIn(String user, String password) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("client_id", reader.clientId().value());
        f.put("redirect_uri", REDIRECT);
        f.put("response_type", "code");
        f.put("scope", "https://graph.microsoft.com/OnlineMeetings.ReadWrite");
        f.put("code_challenge", "A".repeat(43));
        f.put("code_challenge_method", "S256");
        f.put("username", user);
        f.put("password", password);
        return f;
    }

    @FunctionalInterface
    private interface Attempt {
        int status(int i) throws Exception;
    }

    /** Sends all attempts at once, as an attacker's parallel burst. */
    private static List<Integer> burst(int n, Attempt attempt) throws Exception {
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.status(k);
                }));
            }
            start.countDown();
            List<Integer> out = new java.util.ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** A form POST from a chosen loopback address (127.0.0.0/8 all reaches the listener), answering the status. */
    private int postFrom(String sourceAddress, String path, Map<String, String> fields) throws Exception {
        byte[] body = form(fields).getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(base);
        try (var socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(sourceAddress, 0));
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private HttpResponse<String> clientCredentials(String clientId, String clientSecret) throws Exception {
        return post("/" + TENANT + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", clientSecret, "scope", "https://graph.microsoft.com/.default"), Map.of());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> form) {
        return form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
