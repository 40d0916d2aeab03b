// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.MutableClock;
import dev.porta.common.RateLimiter;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.MemberId;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.TenantId;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-admin-key";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabases.TestDatabase db;
    private Directory directory;
    private JdbcDirectoryStore store;
    private Javalin app;
    private String base;
    private dev.porta.directory.audit.Audit audit;

    @BeforeEach
    void start() {
        db = TestDatabases.h2();
        store = new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral());
        directory = new Directory(store, new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        audit = new dev.porta.directory.audit.Audit(new dev.porta.directory.audit.JdbcAuditLog(db.database()), clock);
        var routes = new AdminRoutes(directory, KEY, new RateLimiter(3, Duration.ofMinutes(1), 100, clock)).withAudit(audit);
        app = LoopbackRoutes.start(routes::register);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        db.close();
    }

    @Test
    void anAdminSetsUpATenantAnAppWithASecretAPolicyAndTheMeetingPolicy() throws Exception {
        String tenant = JSON.readTree(call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"Contoso\"}").body()).get("id").asText();
        String t = "/admin/v1/tenants/" + tenant;
        var member = call("POST", t + "/members", KEY, "{\"userPrincipalName\":\"megan@contoso.example\",\"displayName\":\"Megan\",\"password\":\"password1\"}");
        assertThat(member.statusCode()).isEqualTo(201);
        assertThat(member.body()).doesNotContain("password1").doesNotContain("argon2");
        JsonNode appJson = JSON.readTree(call("POST", t + "/apps", KEY, "{\"displayName\":\"App\",\"permissions\":[\"OnlineMeetings.ReadWrite.All\"]}").body());
        String appId = appJson.get("appId").asText();
        JsonNode secret = JSON.readTree(call("POST", t + "/apps/" + appId + "/secrets", KEY, "{\"lifetimeDays\":30}").body());
        assertThat(secret.get("secretText").asText()).hasSizeGreaterThan(30);
        assertThat(call("GET", t + "/apps/" + appId + "/secrets", KEY, null).body()).doesNotContain(secret.get("secretText").asText());

        call("PUT", t + "/access-policies/apps", KEY, "{\"appIds\":[\"" + appId + "\"]}");
        JsonNode grants = JSON.readTree(call("PUT", t + "/access-policy-grants/*", KEY, "{\"policy\":\"apps\"}").body());
        assertThat(grants.at("/grants/*").asText()).isEqualTo("apps");

        JsonNode policy = JSON.readTree(call("PUT", t + "/meeting-policy", KEY, "{\"guestCapabilities\":{\"raiseHand\":true}}").body());
        assertThat(policy.at("/guestCapabilities/raiseHand").asBoolean()).isTrue();
        assertThat(policy.at("/guestCapabilities/audio").asBoolean()).isTrue();
        assertThat(directory.tenantMeetingPolicy(new TenantId(tenant)).guestCapabilities()).contains(GuestCapability.RAISE_HAND);

        var bad = call("PUT", t + "/meeting-policy", KEY, "{\"guestCapabilities\":{\"teleport\":true}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("teleport");
    }

    @Test
    void aWrongOrMissingAdminKeyIsRefusedAndRepeatedFailuresAreThrottled() throws Exception {
        assertThat(call("GET", "/admin/v1/tenants", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/v1/tenants", "wrong", null).statusCode()).isEqualTo(401);
        call("GET", "/admin/v1/tenants", "wrong", null);
        assertThat(call("GET", "/admin/v1/tenants", KEY, null).statusCode()).isEqualTo(429);
    }

    @Test
    void anAdminRevokesAMembersSignInSessionsThroughTheApiAndTheCli() throws Exception {
        TenantId tenant = new TenantId("55555555-5555-4555-8555-555555555555");
        directory.createTenant(tenant, "Contoso");
        var megan = directory.addMember(tenant, "megan@contoso.example", "Megan", "password1");
        var app = directory.registerApp(tenant, "Members' app", java.util.Set.of(), java.util.List.of("https://app.example/cb"));
        var refresh = new dev.porta.directory.RefreshTokens(store, Duration.ofHours(24), clock);
        String first = refresh.issue(tenant, megan.id(), app.clientId(), java.util.Set.of("OnlineMeetings.ReadWrite"), "https://graph.microsoft.com");
        String second = refresh.issue(tenant, megan.id(), app.clientId(), java.util.Set.of("OnlineMeetings.ReadWrite"), "https://graph.microsoft.com");

        var api = call("POST", "/admin/v1/tenants/" + tenant + "/members/" + megan.id() + "/revokeSignInSessions", KEY, null);
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(JSON.readTree(api.body()).get("revokedRefreshTokens").asInt()).isEqualTo(2);
        assertThat(refresh.redeem(first, tenant, app.clientId()))
                .isEqualTo(new dev.porta.directory.RefreshTokens.Redemption.Refused(dev.porta.directory.RefreshTokens.Reason.REVOKED));

        String third = refresh.issue(tenant, megan.id(), app.clientId(), java.util.Set.of("OnlineMeetings.ReadWrite"), "https://graph.microsoft.com");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new AdminCli(directory, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> "unused")
                .run("member-revoke-sessions", Map.of("tenant", tenant.value(), "member", megan.id().value(), "json", "true"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\"revokedRefreshTokens\":1");
        assertThat(refresh.redeem(third, tenant, app.clientId()))
                .isInstanceOf(dev.porta.directory.RefreshTokens.Redemption.Refused.class);
        assertThat(second).isNotEqualTo(third);
    }

    @Test
    void theCliSpeaksTheSameJson() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AdminCli cli = new AdminCli(directory, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> "password1");
        String tenant = "33333333-3333-4333-8333-333333333333";
        cli.run("tenant-create", Map.of("id", tenant, "name", "Contoso", "json", "true"));
        cli.run("member-add", Map.of("tenant", tenant, "upn", "megan@contoso.example", "name", "Megan", "password-stdin", "true", "json", "true"));
        MemberId megan = directory.members(new TenantId(tenant)).getFirst().id();
        cli.run("meeting-policy-set", Map.of("tenant", tenant, "member", megan.value(), "allow-anonymous-join", "false", "json", "true"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\"userPrincipalName\":\"megan@contoso.example\"")
                .contains("\"allowAnonymousJoin\":false");
        assertThat(directory.effectiveMeetingPolicy(new TenantId(tenant), megan).allowAnonymousJoin()).isFalse();
    }

    @Test
    void theCliRefusesAPasswordOnTheCommandLineWhereOtherUsersSeeItInPs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AdminCli cli = new AdminCli(directory, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> "from stdin");
        String tenant = "44444444-4444-4444-8444-444444444444";
        cli.run("tenant-create", Map.of("id", tenant, "name", "Fabrikam", "json", "true"));

        assertThatThrownBy(() -> cli.run("member-add", Map.of("tenant", tenant, "upn", "eve@fabrikam.example", "name", "Eve",
                "password", "visible-in-ps", "json", "true"))).isInstanceOf(DirectoryException.class).hasMessageContaining("--password-stdin");
        assertThat(directory.members(new TenantId(tenant))).isEmpty();
        cli.run("member-add", Map.of("tenant", tenant, "upn", "eve@fabrikam.example", "name", "Eve", "password-stdin", "true"));
        assertThat(directory.authenticateMember(new TenantId(tenant), "eve@fabrikam.example", "from stdin")).isPresent();
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
