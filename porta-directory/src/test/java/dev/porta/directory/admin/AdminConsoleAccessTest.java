// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.MutableClock;
import dev.porta.common.RateLimiter;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.Member;
import dev.porta.directory.MemberRole;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.TenantId;
import dev.porta.directory.audit.Audit;
import dev.porta.directory.audit.AuditAction;
import dev.porta.directory.audit.AuditQuery;
import dev.porta.directory.audit.JdbcAuditLog;
import dev.porta.directory.oauth.Audiences;
import dev.porta.directory.oauth.TokenIssuer;
import dev.porta.directory.oauth.TokenVerifier;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API called by members signed in through the admin console: their roles decide on the
 * server, on every route (docs/admin.md#roles); the admin key keeps working beside them.
 */
class AdminConsoleAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-admin-key-of-at-least-32-bytes!";
    private static final TenantId CONTOSO = new TenantId("00000000-0000-4000-8000-00000000c001");
    private static final TenantId FABRIKAM = new TenantId("00000000-0000-4000-8000-00000000f001");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabases.TestDatabase db;
    private Directory directory;
    private Audit audit;
    private TokenIssuer issuer;
    private Javalin app;
    private String base;
    private AppRegistration console;
    private AppRegistration otherApp;
    private Member admin;
    private Member auditor;
    private Member plain;
    private Member fabrikamAdmin;

    @BeforeEach
    void start() {
        db = TestDatabases.h2();
        var store = new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral());
        directory = new Directory(store, new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        audit = new Audit(new JdbcAuditLog(db.database()), clock);
        var keys = new SigningKeyRing(store, clock);
        issuer = new TokenIssuer(keys, () -> "https://porta.test/", Duration.ofHours(1), clock);
        var verifier = new TokenVerifier(keys, issuer, new Audiences(() -> "https://porta.test/"), store, clock);

        directory.createTenant(CONTOSO, "Contoso");
        directory.createTenant(FABRIKAM, "Fabrikam");
        console = directory.registerApp(CONTOSO, "Porta web app", Set.of(), List.of("https://porta.test/admin/"));
        otherApp = directory.registerApp(CONTOSO, "Someone's app", Set.of(), List.of("https://app.test/"));
        admin = directory.addMember(CONTOSO, "megan@contoso.example", "Megan", "password1");
        auditor = directory.addMember(CONTOSO, "adele@contoso.example", "Adele", "password1");
        plain = directory.addMember(CONTOSO, "lee@contoso.example", "Lee", "password1");
        fabrikamAdmin = directory.addMember(FABRIKAM, "eve@fabrikam.example", "Eve", "password1");
        directory.grantRole(CONTOSO, admin.id(), MemberRole.TENANT_ADMIN);
        directory.grantRole(CONTOSO, auditor.id(), MemberRole.AUDITOR);
        directory.grantRole(FABRIKAM, fabrikamAdmin.id(), MemberRole.TENANT_ADMIN);

        var routes = new AdminRoutes(directory, KEY, new RateLimiter(5, Duration.ofMinutes(1), 100, clock))
                .withAudit(audit)
                .withMemberSignIn(verifier, c -> c.equals(console.clientId()));
        app = LoopbackRoutes.start(routes::register);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        db.close();
    }

    @Test
    void aTenantAdminSwitchesAnonymousJoinOffAndTheAuditLogNamesThem() throws Exception {
        var put = call("PUT", contoso("/meeting-policy"), token(admin), "{\"allowAnonymousJoin\":false}");

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(directory.tenantMeetingPolicy(CONTOSO).allowAnonymousJoin()).isFalse();
        JsonNode events = JSON.readTree(call("GET", "/admin/v1/audit?action=MEETING_POLICY_CHANGED", token(admin), null).body()).get("value");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("actor").asText()).isEqualTo("member:" + admin.id().value());
        assertThat(events.get(0).at("/details/allowAnonymousJoin").asText()).isEqualTo("true -> false");
    }

    @Test
    void anAuditorReadsEverythingButEveryChangeIsRefusedAndAudited() throws Exception {
        String t = token(auditor);
        assertThat(call("GET", contoso("/members"), t, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", contoso("/apps"), t, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", contoso("/meeting-policy"), t, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/admin/v1/audit", t, null).statusCode()).isEqualTo(200);

        var put = call("PUT", contoso("/meeting-policy"), t, "{\"allowAnonymousJoin\":false}");
        var patch = call("PATCH", contoso("/members/" + plain.id().value()), t, "{\"accountEnabled\":false}");
        var post = call("POST", contoso("/apps/" + otherApp.clientId().value() + "/secrets"), t, "{}");
        var delete = call("DELETE", contoso("/members/" + plain.id().value()), t, null);

        for (var r : List.of(put, patch, post, delete)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("auditor role lets you see this but not change it");
        }
        assertThat(directory.tenantMeetingPolicy(CONTOSO).allowAnonymousJoin()).isTrue();
        assertThat(directory.member(CONTOSO, plain.id()).orElseThrow().enabled()).isTrue();
        assertThat(directory.clientSecrets(CONTOSO, otherApp.clientId())).isEmpty();
        var refused = audit.find(new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(AuditAction.ADMIN_ACCESS_REFUSED),
                Optional.empty(), Optional.empty(), 0, 100));
        assertThat(refused).hasSize(4).allSatisfy(e -> assertThat(e.actor().value()).isEqualTo("member:" + auditor.id().value()));
    }

    @Test
    void aTenantAdminOfOneTenantCannotTouchAnother() throws Exception {
        String t = token(admin);
        var read = call("GET", "/admin/v1/tenants/" + FABRIKAM.value() + "/members", t, null);
        var change = call("PATCH", "/admin/v1/tenants/" + FABRIKAM.value() + "/members/" + fabrikamAdmin.id().value(), t, "{\"accountEnabled\":false}");
        var audit = call("GET", "/admin/v1/audit?tenant=" + FABRIKAM.value(), t, null);
        var create = call("POST", "/admin/v1/tenants", t, "{\"displayName\":\"Mine\"}");

        assertThat(List.of(read, change, audit)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("only your own organization");
        });
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(create.body()).contains("Only the server's admin key can create tenants.");
        assertThat(directory.member(FABRIKAM, fabrikamAdmin.id()).orElseThrow().enabled()).isTrue();
        JsonNode tenants = JSON.readTree(call("GET", "/admin/v1/tenants", t, null).body()).get("value");
        assertThat(tenants).hasSize(1);
        assertThat(tenants.get(0).get("id").asText()).isEqualTo(CONTOSO.value());
    }

    @Test
    void anAuditLogReadByAMemberHoldsOnlyItsOwnTenantsEvents() throws Exception {
        call("PUT", "/admin/v1/tenants/" + FABRIKAM.value() + "/meeting-policy", KEY, "{\"allowAnonymousJoin\":false}");
        call("PUT", contoso("/meeting-policy"), KEY, "{\"allowAnonymousJoin\":false}");

        JsonNode events = JSON.readTree(call("GET", "/admin/v1/audit?action=MEETING_POLICY_CHANGED", token(auditor), null).body()).get("value");

        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("tenantId").asText()).isEqualTo(CONTOSO.value());
    }

    @Test
    void aMemberWithoutARoleIsRefusedEverything() throws Exception {
        var me = call("GET", "/admin/v1/me", token(plain), null);
        var members = call("GET", contoso("/members"), token(plain), null);

        assertThat(me.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(me.body()).at("/error/message").asText())
                .isEqualTo("Your account has no administrator role. Ask your administrator for the tenant-admin or auditor role.");
        assertThat(members.statusCode()).isEqualTo(403);
    }

    @Test
    void refusalsOfOneMemberAreLimitedSoTheyCannotFloodTheAuditLog() throws Exception {
        String t = token(plain);
        for (int i = 0; i < 5; i++) { // the test's limit: 5 a minute
            assertThat(call("GET", contoso("/members"), t, null).statusCode()).isEqualTo(403);
        }

        var sixth = call("GET", contoso("/members"), t, null);

        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.headers().firstValue("Retry-After")).isPresent();
        assertThat(audit.find(new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(AuditAction.ADMIN_ACCESS_REFUSED),
                Optional.empty(), Optional.empty(), 0, 100))).hasSize(5);
        assertThat(call("GET", contoso("/members"), token(auditor), null).statusCode()).as("another member is not held back").isEqualTo(200);
    }

    @Test
    void aTenantAdminsTokenOfAnotherAppIsNotAnAdminCredential() throws Exception {
        String foreign = issuer.issueMemberToken(admin, otherApp.clientId(), Audiences.GRAPH, Set.of("User.Read")).accessToken();

        var r = call("GET", contoso("/members"), foreign, null);

        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void aRoleTakenAwayCountsFromTheNextRequestOfTheSameToken() throws Exception {
        String t = token(admin);
        assertThat(call("GET", "/admin/v1/me", t, null).statusCode()).isEqualTo(200);
        directory.revokeRole(CONTOSO, admin.id(), MemberRole.TENANT_ADMIN);
        directory.grantRole(CONTOSO, admin.id(), MemberRole.AUDITOR);

        assertThat(call("PUT", contoso("/meeting-policy"), t, "{\"allowAnonymousJoin\":false}").statusCode()).isEqualTo(403);
        JsonNode me = JSON.readTree(call("GET", "/admin/v1/me", t, null).body());
        assertThat(me.get("roles").toString()).isEqualTo("[\"auditor\"]");
        assertThat(me.get("canChange").asBoolean()).isFalse();
    }

    @Test
    void theAdminKeyKeepsWorkingAndGrantsRolesAsItself() throws Exception {
        var grant = call("PUT", contoso("/members/" + plain.id().value() + "/roles/auditor"), KEY, null);
        var bad = call("PUT", contoso("/members/" + plain.id().value() + "/roles/owner"), KEY, null);

        assertThat(grant.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(grant.body()).get("roles").toString()).isEqualTo("[\"auditor\"]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(call("GET", contoso("/members"), token(plain), null).statusCode()).isEqualTo(200);
        var events = audit.find(new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(AuditAction.MEMBER_ROLE_GRANTED),
                Optional.empty(), Optional.empty(), 0, 100));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.actor().value()).isEqualTo("admin-key");
            assertThat(e.details()).containsEntry("role", "auditor");
        });
    }

    @Test
    void theCliGrantsAndRevokesRolesAndTheAuditLogNamesTheOsUser() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var cli = new AdminCli(directory, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), () -> "unused")
                .withAudit(audit, dev.porta.directory.audit.AuditActor.adminCli("root"));
        var args = java.util.Map.of("tenant", CONTOSO.value(), "member", plain.id().value(), "role", "tenant-admin", "json", "true");

        cli.run("role-grant", args);
        assertThat(call("PUT", contoso("/meeting-policy"), token(plain), "{\"allowAnonymousJoin\":false}").statusCode()).isEqualTo(200);
        cli.run("role-revoke", args);

        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"roles\":[\"tenant-admin\"]").contains("\"roles\":[]");
        assertThat(call("GET", contoso("/members"), token(plain), null).statusCode()).isEqualTo(403);
        var events = audit.find(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new dev.porta.directory.audit.AuditActor("admin-cli:root")), Optional.empty(), 0, 100));
        assertThat(events).extracting(e -> e.action()).containsExactly(AuditAction.MEMBER_ROLE_GRANTED, AuditAction.MEMBER_ROLE_REVOKED);
    }

    private String token(Member m) {
        return issuer.issueMemberToken(m, console.clientId(), Audiences.GRAPH, Set.of("User.Read")).accessToken();
    }

    private static String contoso(String rest) {
        return "/admin/v1/tenants/" + CONTOSO.value() + rest;
    }

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
