// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.MutableClock;
import dev.porta.common.RateLimiter;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.audit.Audit;
import dev.porta.directory.audit.AuditActor;
import dev.porta.directory.audit.JdbcAuditLog;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit log as an administrator reads it: GET /admin/v1/audit and porta admin audit. */
class AuditLogApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-admin-key";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabases.TestDatabase db;
    private Directory directory;
    private Audit audit;
    private Javalin app;
    private String base;

    @BeforeEach
    void start() {
        db = TestDatabases.h2();
        directory = new Directory(new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral()),
                new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        audit = new Audit(new JdbcAuditLog(db.database()), clock);
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
    void anAdminsChangesAppearWithWhoWhatWhereAndWhatChangedButNoSecret() throws Exception {
        String t = "/admin/v1/tenants/" + JSON.readTree(call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"Contoso\"}").body()).get("id").asText();
        String member = JSON.readTree(call("POST", t + "/members", KEY,
                "{\"userPrincipalName\":\"megan@contoso.example\",\"displayName\":\"Megan\",\"password\":\"first-password-1\"}").body()).get("id").asText();
        call("PATCH", t + "/members/" + member, KEY, "{\"accountEnabled\":false,\"password\":\"second-password-2\"}");
        String appId = JSON.readTree(call("POST", t + "/apps", KEY, "{\"displayName\":\"App\"}").body()).get("appId").asText();
        JsonNode secret = JSON.readTree(call("POST", t + "/apps/" + appId + "/secrets", KEY, "{\"lifetimeDays\":30}").body());
        call("DELETE", t + "/apps/" + appId + "/secrets/" + secret.get("keyId").asText(), KEY, null);
        call("PATCH", t + "/apps/" + appId, KEY, "{\"permissions\":[\"OnlineMeetings.Read.All\"]}");
        call("PUT", t + "/meeting-policy", KEY, "{\"allowAnonymousJoin\":false,\"guestCapabilities\":{\"raiseHand\":true}}");
        call("PUT", t + "/access-policies/apps", KEY, "{\"appIds\":[\"" + appId + "\"]}");

        var res = call("GET", "/admin/v1/audit", KEY, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain(secret.get("secretText").asText()).doesNotContain("first-password-1")
                .doesNotContain("second-password-2");
        List<JsonNode> events = values(res.body());
        assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("TENANT_CREATED", "MEMBER_CREATED",
                "MEMBER_PASSWORD_RESET", "MEMBER_DISABLED", "APP_REGISTERED", "CLIENT_SECRET_CREATED", "CLIENT_SECRET_DELETED",
                "APP_UPDATED", "MEETING_POLICY_CHANGED", "ACCESS_POLICY_SET");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("actor").asText()).isEqualTo("admin-key");
            assertThat(e.get("clientAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("time").asText()).isEqualTo("2026-11-22T10:00:00Z");
        });
        assertThat(events.get(3).get("target").asText()).isEqualTo(member);
        assertThat(events.get(5).at("/details/keyId").asText()).isEqualTo(secret.get("keyId").asText());
        JsonNode policy = events.get(8).get("details");
        assertThat(policy.get("allowAnonymousJoin").asText()).isEqualTo("true -> false");
        assertThat(policy.get("guestCapabilities.raiseHand").asText()).isEqualTo("false -> true");
        assertThat(events.get(7).get("details").get("permissions").asText()).contains("OnlineMeetings.Read.All");
    }

    @Test
    void filtersByActionActorAndTimeAndPagesWithTheCursor() throws Exception {
        call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"One\"}");
        clock.advance(Duration.ofHours(1));
        call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"Two\"}");
        call("GET", "/admin/v1/tenants", "a-wrong-key", null);
        clock.advance(Duration.ofHours(1));
        call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"Three\"}");

        assertThat(values(call("GET", "/admin/v1/audit?action=admin_key_refused", KEY, null).body())).singleElement()
                .satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo("anonymous"))
                .satisfies(e -> assertThat(e.get("target").asText()).isEqualTo("GET /admin/v1/tenants"));
        assertThat(values(call("GET", "/admin/v1/audit?actor=admin-key", KEY, null).body())).hasSize(3);
        assertThat(values(call("GET", "/admin/v1/audit?since=2026-11-22T10:30:00Z&until=2026-11-22T11:30:00Z&action=TENANT_CREATED", KEY, null).body()))
                .singleElement().satisfies(e -> assertThat(e.at("/details/displayName").asText()).isEqualTo("Two"));

        JsonNode page1 = JSON.readTree(call("GET", "/admin/v1/audit?limit=2", KEY, null).body());
        assertThat(page1.get("value")).hasSize(2);
        JsonNode page2 = JSON.readTree(call("GET", "/admin/v1/audit?limit=2&cursor=" + page1.get("nextCursor").asText(), KEY, null).body());
        assertThat(page2.get("value")).extracting(e -> e.at("/details/displayName").asText()).containsExactly("", "Three");
        assertThat(page2.has("nextCursor")).as("the last page has no next cursor").isFalse();

        var lines = call("GET", "/admin/v1/audit?format=jsonl&limit=3", KEY, null);
        assertThat(lines.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("application/jsonl"));
        assertThat(lines.body().split("\n")).hasSize(3).allSatisfy(l -> assertThat(JSON.readTree(l).has("action")).isTrue());
        assertThat(lines.headers().firstValue("Porta-Next-Cursor")).isPresent();
    }

    @Test
    void badParametersAreRefusedWithASentenceSayingWhatIsExpected() throws Exception {
        Map<String, String> bad = Map.of(
                "since=yesterday", "'since' must be an ISO-8601 time",
                "action=DROP_TABLES", "'action' must be one of",
                "limit=100000", "'limit' must be a whole number from 1 to 1000",
                "limit=0", "'limit' must be a whole number from 1 to 1000",
                "cursor=-1", "'cursor' must be the nextCursor of a previous page",
                "actor=root%20user", "'actor' must be like",
                "format=xml", "'format' must be json or jsonl",
                "since=2026-11-23&until=2026-11-22", "'until' must be later than 'since'");
        for (var e : bad.entrySet()) {
            var res = call("GET", "/admin/v1/audit?" + e.getKey(), KEY, null);
            assertThat(res.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(res.body()).at("/error/message").asText()).as(e.getKey()).startsWith(e.getValue());
        }
    }

    @Test
    void withoutTheAdminKeyTheAuditLogIsNotShown() throws Exception {
        call("POST", "/admin/v1/tenants", KEY, "{\"displayName\":\"Contoso\"}");
        var none = call("GET", "/admin/v1/audit", null, null);
        var wrong = call("GET", "/admin/v1/audit?format=jsonl", "not-the-key", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(none.body() + wrong.body()).doesNotContain("TENANT_CREATED").doesNotContain("Contoso");
    }

    @Test
    void theCliRecordsItsChangesAsTheOsUserAndPrintsTheLogAsJsonLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AdminCli cli = new AdminCli(directory, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> "cli-password-1")
                .withAudit(audit, AuditActor.adminCli("alice"));
        String tenant = "33333333-3333-4333-8333-333333333333";
        cli.run("tenant-create", Map.of("id", tenant, "name", "Contoso", "json", "true"));
        cli.run("member-add", Map.of("tenant", tenant, "upn", "megan@contoso.example", "name", "Megan", "password-stdin", "true", "json", "true"));
        String megan = directory.members(new dev.porta.directory.TenantId(tenant)).getFirst().id().value();
        cli.run("meeting-policy-set", Map.of("tenant", tenant, "member", megan, "allow-anonymous-join", "false", "json", "true"));
        bytes.reset();

        cli.run("audit", Map.of("action", "meeting-policy-changed"));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).singleElement().satisfies(l -> {
            JsonNode e = JSON.readTree(l);
            assertThat(e.get("actor").asText()).isEqualTo("admin-cli:alice");
            assertThat(e.get("clientAddress").asText()).isEqualTo("local");
            assertThat(e.get("tenantId").asText()).isEqualTo(tenant);
            assertThat(e.get("target").asText()).isEqualTo(megan);
            assertThat(e.at("/details/allow-anonymous-join").asText()).isEqualTo("false");
        });
        cli.run("member-update", Map.of("tenant", tenant, "member", megan, "enabled", "false", "json", "true"));
        bytes.reset();
        cli.run("audit", Map.of("action", "MEMBER_DISABLED", "actor", "admin-cli:alice"));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).singleElement().satisfies(l -> assertThat(l).contains(megan));
        bytes.reset();
        cli.run("audit", Map.of("limit", "3"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("cli-password-1");
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(3);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList().get(1)).contains("\"password\":\"changed\"");
    }

    private static List<JsonNode> values(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(body).get("value").forEach(out::add);
        return out;
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
