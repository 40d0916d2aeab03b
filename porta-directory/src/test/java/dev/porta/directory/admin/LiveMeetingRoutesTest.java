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
import dev.porta.directory.TenantId;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API's live meetings (docs/admin.md). The directory module cannot run the calling service (the
 * dependency runs the other way), so the live meetings here are a stand-in holding one meeting of one tenant;
 * the real wiring is exercised by porta-it's AdminConsoleBrowserTest.
 */
class LiveMeetingRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-admin-key";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private final OneLiveMeeting live = new OneLiveMeeting();
    private TestDatabases.TestDatabase db;
    private Javalin app;
    private String base;
    private String tenant;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.h2();
        var store = new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral());
        var directory = new Directory(store, new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        var audit = new dev.porta.directory.audit.Audit(new dev.porta.directory.audit.JdbcAuditLog(db.database()), clock);
        var routes = new AdminRoutes(directory, KEY, new RateLimiter(3, Duration.ofMinutes(1), 100, clock)).withAudit(audit)
                .withLiveMeetings(live);
        app = LoopbackRoutes.start(routes::register);
        base = "http://127.0.0.1:" + app.port();
        tenant = JSON.readTree(call("POST", "/admin/v1/tenants", "{\"displayName\":\"Contoso\"}").body()).get("id").asText();
        live.tenant = TenantId.parse(tenant).orElseThrow();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        db.close();
    }

    @Test
    void anAdminSeesTheLiveMeetingRemovesSomeoneEndsItAndBothAreAudited() throws Exception {
        String t = "/admin/v1/tenants/" + tenant;
        JsonNode list = JSON.readTree(call("GET", t + "/live-meetings", null).body());
        assertThat(list.path("value")).singleElement().satisfies(m -> {
            assertThat(m.path("meetingId").asText()).isEqualTo("m-1");
            assertThat(m.path("subject").asText()).isEqualTo("Weekly");
            assertThat(m.path("participants")).extracting(p -> p.path("displayName").asText()).containsExactly("Megan", "Ada");
            assertThat(m.path("participants").get(1).path("inLobby").asBoolean()).isTrue();
        });

        assertThat(call("DELETE", t + "/live-meetings/m-1/participants/p-2", null).statusCode()).isEqualTo(204);
        assertThat(call("POST", t + "/live-meetings/m-1/end", null).statusCode()).isEqualTo(204);

        assertThat(live.calls).containsExactly("remove m-1 p-2", "end m-1");
        JsonNode audit = JSON.readTree(call("GET", "/admin/v1/audit?action=live_participant_removed", null).body());
        assertThat(audit.path("value")).singleElement().satisfies(e -> assertThat(e.path("target").asText()).isEqualTo("m-1"));
        assertThat(JSON.readTree(call("GET", "/admin/v1/audit?action=live_meeting_ended", null).body()).path("value")).hasSize(1);
    }

    @Test
    void aMeetingNotLiveHereOrAnIdPortaNeverMakesIsNotFoundAndNothingIsEnded() throws Exception {
        String t = "/admin/v1/tenants/" + tenant;
        assertThat(call("POST", t + "/live-meetings/m-2/end", null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", t + "/live-meetings/m-1/participants/p-9", null).statusCode()).isEqualTo(404);
        assertThat(call("POST", t + "/live-meetings/m%3B1/end", null).statusCode()).isEqualTo(404);

        assertThat(live.calls).containsExactly("end m-2", "remove m-1 p-9");
        assertThat(JSON.readTree(call("GET", "/admin/v1/audit?action=live_meeting_ended", null).body()).path("value")).isEmpty();
    }

    /** One tenant's one live meeting: Megan in it, Ada in its lobby. */
    private static final class OneLiveMeeting implements LiveMeetings {
        volatile TenantId tenant;
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public List<Meeting> of(TenantId t) {
            return !t.equals(tenant) ? List.of() : List.of(new Meeting("m-1", "Weekly", "member-megan", List.of(
                    new Person("p-1", "Megan", "organizer", false, false), new Person("p-2", "Ada", "attendee", true, true))));
        }

        @Override
        public boolean end(TenantId t, String meetingId) {
            calls.add("end " + meetingId);
            return t.equals(tenant) && meetingId.equals("m-1");
        }

        @Override
        public boolean remove(TenantId t, String meetingId, String participantId) {
            calls.add("remove " + meetingId + " " + participantId);
            return t.equals(tenant) && meetingId.equals("m-1") && (participantId.equals("p-1") || participantId.equals("p-2"));
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
