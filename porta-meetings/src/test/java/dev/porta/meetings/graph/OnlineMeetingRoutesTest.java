// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.MutableClock;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.Member;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.TenantId;
import dev.porta.directory.oauth.Audiences;
import dev.porta.common.SigningKeyRing;
import dev.porta.directory.oauth.TokenIssuer;
import dev.porta.directory.oauth.TokenVerifier;
import dev.porta.meetings.JdbcMeetingStore;
import dev.porta.meetings.JoinLinks;
import dev.porta.meetings.MeetingService;
import dev.porta.meetings.attendance.Attendance;
import dev.porta.meetings.attendance.JdbcAttendanceStore;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Graph-shaped routes in process over plain HTTP, with tokens from the real issuer. */
class OnlineMeetingRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    private static final String BODY = """
            {"@odata.type":"#microsoft.graph.onlineMeeting","subject":"Contoso support call",
             "startDateTime":"2030-01-15T09:00:00Z","endDateTime":"2030-01-15T09:30:00Z",
             "allowedPresenters":"organizer","allowMeetingChat":"enabled",
             "joinMeetingIdSettings":{"isPasscodeRequired":true},
             "lobbyBypassSettings":{"isDialInBypassEnabled":true,"scope":"everyone"},
             "participants":{"attendees":[{"identity":{"user":{"id":"33333333-3333-4333-8333-333333333333","displayName":"Adele Vance"}},
                                           "role":"attendee","upn":"adele@contoso.example"}]}}""";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabases.TestDatabase db;
    private Javalin app;
    private String base;
    private Directory directory;
    private TokenIssuer issuer;
    private Member megan;
    private Member adele;
    private String writer;
    private String reader;
    private String outsider;
    private JdbcAttendanceStore attendance;
    /** Recordings by meeting id: the in-memory stand-in for porta-server's adapter over the SFU recorder's files. */
    private final java.util.Map<String, java.util.List<dev.porta.meetings.recording.MeetingRecordings.Recording>> recorded =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final byte[] CONTENT = "not really an mp4, but bytes to read back".getBytes(StandardCharsets.US_ASCII);

    @BeforeEach
    void start() {
        db = TestDatabases.h2();
        var store = new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral());
        directory = new Directory(store, new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        var keys = new SigningKeyRing(store, clock);
        issuer = new TokenIssuer(keys, () -> base, Duration.ofHours(1), clock);
        var verifier = new TokenVerifier(keys, issuer, new Audiences(() -> base), store, clock);
        var links = new JoinLinks(() -> base);
        attendance = new JdbcAttendanceStore(db.database());
        var routes = new OnlineMeetingRoutes(new MeetingService(new JdbcMeetingStore(db.database()), directory, clock), directory,
                verifier, links, () -> base, clock).withAttendance(attendance).withRecordings(new InMemoryRecordings());
        app = LoopbackRoutes.start(routes::register);
        base = "http://127.0.0.1:" + app.port() + "/";

        directory.createTenant(TENANT, "Contoso");
        megan = directory.addMember(TENANT, "megan@contoso.example", "Megan Bowen", "password1");
        adele = directory.addMember(TENANT, "adele@contoso.example", "Adele Vance", "password1");
        AppRegistration w = directory.registerApp(TENANT, "Writer", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), List.of());
        AppRegistration r = directory.registerApp(TENANT, "Reader", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of());
        AppRegistration o = directory.registerApp(TENANT, "Outsider", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), List.of());
        directory.setAccessPolicy(TENANT, "apps", Set.of(w.clientId(), r.clientId()));
        directory.grantAccessPolicy(TENANT, Optional.empty(), Optional.of("apps"));
        writer = issuer.issueAppToken(w, Audiences.GRAPH).accessToken();
        reader = issuer.issueAppToken(r, Audiences.GRAPH).accessToken();
        outsider = issuer.issueAppToken(o, Audiences.GRAPH).accessToken();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        db.close();
    }

    @Test
    void createGetFindPatchAndDeleteWorkInGraphShape() throws Exception {
        var created = send("POST", meetings(), writer, BODY);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode m = JSON.readTree(created.body());
        String id = m.get("id").asText();
        assertThat(id).matches("[A-Za-z0-9_-]+");
        assertThat(m.get("subject").asText()).isEqualTo("Contoso support call");
        assertThat(m.get("startDateTime").asText()).isEqualTo("2030-01-15T09:00:00Z");
        assertThat(m.get("joinWebUrl").asText()).startsWith(base + "l/meetup-join/19%3ameeting_");
        assertThat(m.at("/joinMeetingIdSettings/joinMeetingId").asText()).matches("\\d{12}");
        assertThat(m.at("/joinMeetingIdSettings/passcode").asText()).hasSize(6);
        assertThat(m.at("/participants/organizer/identity/user/id").asText()).isEqualTo(megan.id().value());
        assertThat(m.at("/participants/organizer/upn").asText()).isEqualTo("megan@contoso.example");
        assertThat(m.at("/participants/attendees/0/upn").asText()).isEqualTo("adele@contoso.example");
        assertThat(m.at("/lobbyBypassSettings/scope").asText()).isEqualTo("everyone");
        assertThat(m.at("/chatInfo/threadId").asText()).startsWith("19:meeting_").endsWith("@thread.v2");
        assertThat(m.get("allowedPresenters").asText()).isEqualTo("organizer");

        assertThat(JSON.readTree(send("GET", meetings() + "/" + id, reader, null).body()).get("id").asText()).isEqualTo(id);

        String url = m.get("joinWebUrl").asText();
        String once = URLEncoder.encode("JoinWebUrl eq '" + url + "'", StandardCharsets.UTF_8).replace("+", "%20");
        String twice = URLEncoder.encode("JoinWebUrl eq '" + URLEncoder.encode(url, StandardCharsets.UTF_8) + "'", StandardCharsets.UTF_8).replace("+", "%20");
        for (String filter : List.of(once, twice)) {
            var found = JSON.readTree(send("GET", meetings() + "?$filter=" + filter, reader, null).body());
            assertThat(found.get("value")).hasSize(1);
            assertThat(found.at("/value/0/id").asText()).isEqualTo(id);
        }
        String byId = URLEncoder.encode("joinMeetingIdSettings/joinMeetingId eq '" + m.at("/joinMeetingIdSettings/joinMeetingId").asText() + "'",
                StandardCharsets.UTF_8).replace("+", "%20");
        assertThat(JSON.readTree(send("GET", meetings() + "?$filter=" + byId, reader, null).body()).at("/value/0/id").asText()).isEqualTo(id);

        var patched = send("PATCH", meetings() + "/" + id, writer, "{\"@odata.type\":\"#microsoft.graph.onlineMeeting\",\"subject\":\"Renamed\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).get("subject").asText()).isEqualTo("Renamed");
        assertThat(JSON.readTree(patched.body()).at("/joinMeetingIdSettings/passcode").asText()).isEqualTo(m.at("/joinMeetingIdSettings/passcode").asText());

        assertThat(send("DELETE", meetings() + "/" + id, writer, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", meetings() + "/" + id, writer, null).statusCode()).isEqualTo(404);
    }

    @Test
    void createOrGetCreatesOnceThenReturnsTheSameMeeting() throws Exception {
        String body = "{\"externalId\":\"ext-7eb8263f\",\"subject\":\"Once\",\"startDateTime\":\"2030-01-15T09:00:00Z\",\"endDateTime\":\"2030-01-15T10:00:00Z\"}";
        var first = send("POST", meetings() + "/createOrGet", writer, body);
        var second = send("POST", meetings() + "/createOrGet", writer, body);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        assertThat(JSON.readTree(first.body()).get("externalId").asText()).isEqualTo("ext-7eb8263f");

        var missing = send("POST", meetings() + "/createOrGet", writer, "{\"subject\":\"x\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).at("/error/message").asText()).contains("externalId");
    }

    @Test
    void aMeetingCreatedWithoutAllowedPresentersLetsOnlyTheOrganizationPresent() throws Exception {
        var created = send("POST", meetings(), writer, "{\"subject\":\"Virtual appointment\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("allowedPresenters").asText()).isEqualTo("organization");
    }

    @Test
    void securityLookingOptionsThatPortaDoesNotEnforceAreRefusedNotEchoed() throws Exception {
        assertError(send("POST", meetings(), writer, "{\"subject\":\"x\",\"isEndToEndEncryptionEnabled\":true}"),
                400, "BadRequest", "not end-to-end encrypted");
        var created = send("POST", meetings(), writer, "{\"subject\":\"x\",\"isEndToEndEncryptionEnabled\":false,"
                + "\"watermarkProtection\":{\"isEnabledForVideo\":false}}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        for (String body : List.of("{\"watermarkProtection\":{\"isEnabledForVideo\":true}}",
                "{\"watermarkProtection\":{\"isEnabledForContentSharing\":true}}", "{\"isEndToEndEncryptionEnabled\":true}")) {
            assertError(send("PATCH", meetings() + "/" + id, writer, body), 400, "BadRequest", "is not supported");
        }
        JsonNode stored = JSON.readTree(send("GET", meetings() + "/" + id, writer, null).body());
        assertThat(stored.get("isEndToEndEncryptionEnabled").asBoolean()).isFalse();
        assertThat(stored.at("/watermarkProtection/isEnabledForVideo").asBoolean()).isFalse();
    }

    @Test
    void refusedCallsGetGraphErrorsAndChangeNothing() throws Exception {
        String id = JSON.readTree(send("POST", meetings(), writer, BODY).body()).get("id").asText();

        assertError(send("GET", meetings() + "/" + id, null, null), 401, "InvalidAuthenticationToken", "Access token is empty.");
        assertError(send("GET", meetings() + "/" + id, writer.substring(0, writer.length() - 4) + "AAAA", null), 401, "InvalidAuthenticationToken", "");
        assertError(send("PATCH", meetings() + "/" + id, reader, "{\"subject\":\"Hacked\"}"), 403, "Forbidden", "OnlineMeetings.ReadWrite.All");
        assertError(send("GET", meetings() + "/" + id, outsider, null), 403, "Forbidden", "No Application Access Policy found for this app");
        assertError(send("GET", meetings() + "/AAAAAAAAAAAAAAAAAAAAAAAA", writer, null), 404, "itemNotFound", "");
        assertError(send("GET", "/v1.0/users/" + adele.id() + "/onlineMeetings/" + id, writer, null), 404, "itemNotFound", "");
        assertError(send("GET", meetings() + "?$filter=subject%20eq%20%27x%27", writer, null), 400, "BadRequest", "$filter");
        assertError(send("GET", meetings(), writer, null), 400, "BadRequest", "$filter");
        assertError(send("PATCH", meetings() + "/" + id, writer,
                "{\"startDateTime\":\"2030-01-15T10:00:00Z\",\"endDateTime\":\"2030-01-15T09:00:00Z\"}"), 400, "BadRequest", "endDateTime");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{\"startDateTime\":\"2030-01-15T10:00:00Z\"}"), 400, "BadRequest", "startDateTime");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{\"lobbyBypassSettings\":{\"scope\":\"anyone\"}}"), 400, "BadRequest",
                "lobbyBypassSettings.scope");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{\"allowMeetingChat\":\"sometimes\"}"), 400, "BadRequest", "allowMeetingChat");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{\"subject\":\"" + "x".repeat(1001) + "\"}"), 400, "BadRequest", "subject");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{\"startDateTime\":\"tomorrow\",\"endDateTime\":\"later\"}"), 400, "BadRequest", "startDateTime");
        assertError(send("PATCH", meetings() + "/" + id, writer, "{not json"), 400, "BadRequest", "JSON");
        assertError(send("POST", "/v1.0/me/onlineMeetings", writer, BODY), 400, "BadRequest", "/me");

        JsonNode after = JSON.readTree(send("GET", meetings() + "/" + id, writer, null).body());
        assertThat(after.get("subject").asText()).isEqualTo("Contoso support call");
        assertThat(after.get("endDateTime").asText()).isEqualTo("2030-01-15T09:30:00Z");
    }

    @Test
    void anExpiredTokenOrARemovedRoleStopsWorkingAtOnce() throws Exception {
        assertThat(send("POST", meetings(), writer, BODY).statusCode()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(65));
        assertError(send("POST", meetings(), writer, BODY), 401, "InvalidAuthenticationToken", "expired");
    }

    @Test
    void theOrganizersPolicyLimitsLobbyBypassScopes() throws Exception {
        directory.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.of(
                new MeetingPolicy(true, EnumSet.of(LobbyBypassScope.ORGANIZER, LobbyBypassScope.ORGANIZATION), Set.of())));
        assertError(send("POST", meetings(), writer, BODY), 400, "BadRequest", "meeting policy");
    }

    @Test
    void evolvableEnumMembersAreHiddenUnlessThePreferHeaderAsks() throws Exception {
        String body = "{\"lobbyBypassSettings\":{\"scope\":\"invited\"},\"participants\":{\"attendees\":[{\"upn\":\"a@b.example\",\"role\":\"coorganizer\"}]}}";
        JsonNode plain = JSON.readTree(send("POST", meetings(), writer, body).body());
        assertThat(plain.at("/lobbyBypassSettings/scope").asText()).isEqualTo("unknownFutureValue");
        assertThat(plain.at("/participants/attendees/0/role").asText()).isEqualTo("unknownFutureValue");
        var req = HttpRequest.newBuilder(URI.create(base + meetings().substring(1) + "/" + plain.get("id").asText()))
                .header("Authorization", "Bearer " + writer).header("Prefer", "include-unknown-enum-members").build();
        JsonNode full = JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
        assertThat(full.at("/lobbyBypassSettings/scope").asText()).isEqualTo("invited");
        assertThat(full.at("/participants/attendees/0/role").asText()).isEqualTo("coorganizer");
    }

    @Test
    void aSignedInMemberManagesTheirOwnMeetingsUnderMe() throws Exception {
        String member = issuer.issueMemberToken(directory.memberByUpn(TENANT, "megan@contoso.example").orElseThrow(),
                directory.apps(TENANT).getFirst().clientId(), Audiences.GRAPH, Set.of("OnlineMeetings.ReadWrite")).accessToken();
        var created = send("POST", "/v1.0/me/onlineMeetings", member, BODY);
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        assertThat(send("GET", "/v1.0/me/onlineMeetings/" + id, member, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", meetings() + "/" + id, writer, null).statusCode()).isEqualTo(200);
        assertError(send("GET", "/v1.0/users/" + adele.id() + "/onlineMeetings/" + id, member, null), 403, "Forbidden", "own meetings");
    }

    @Test
    void aMemberOfAnotherTenantIsAnsweredLikeAnIdNoOneHas() throws Exception {
        TenantId fabrikam = new TenantId("44444444-4444-4444-8444-444444444444");
        directory.createTenant(fabrikam, "Fabrikam");
        Member foreign = directory.addMember(fabrikam, "lee@fabrikam.example", "Lee Gu", "password1");

        var forForeign = send("GET", "/v1.0/users/" + foreign.id() + "/onlineMeetings", writer, null);
        var forNobody = send("GET", "/v1.0/users/55555555-5555-4555-8555-555555555555/onlineMeetings", writer, null);

        assertThat(forForeign.statusCode()).isEqualTo(forNobody.statusCode());
        assertThat(forForeign.body().replace(foreign.id().value(), "ID").replaceAll("\"(date|request-id|client-request-id)\":\"[^\"]*\"", ""))
                .isEqualTo(forNobody.body().replace("55555555-5555-4555-8555-555555555555", "ID")
                        .replaceAll("\"(date|request-id|client-request-id)\":\"[^\"]*\"", ""));
    }

    @Test
    void attendanceNeedsTheArtifactPermissionForMembersAndAppsAndNamesAGuestByItsAcsIdentity() throws Exception {
        Member organizer = directory.memberByUpn(TENANT, "megan@contoso.example").orElseThrow();
        var client = directory.apps(TENANT).getFirst().clientId();
        String meetingsOnly = issuer.issueMemberToken(organizer, client, Audiences.GRAPH, Set.of("OnlineMeetings.ReadWrite")).accessToken();
        String artifacts = issuer.issueMemberToken(organizer, client, Audiences.GRAPH,
                Set.of("OnlineMeetings.ReadWrite", "OnlineMeetingArtifact.Read.All")).accessToken();
        String id = JSON.readTree(send("POST", "/v1.0/me/onlineMeetings", meetingsOnly, BODY).body()).get("id").asText();
        String ada = "8:acs:44444444-4444-4444-8444-444444444444_00000001-aaaa-bbbb-cccc-000000000001";
        Instant t0 = Instant.parse("2030-01-15T09:00:00Z");
        attendance.entered(id, new Attendance.Interval("p-org", "8:orgid:" + organizer.id(), "Megan Bowen", "organizer", false,
                TENANT.value(), t0, null));
        attendance.entered(id, new Attendance.Interval("p-ada", ada, "Ada", "attendee", true, null, t0.plusSeconds(60), null));
        attendance.sessionEnded(id, t0.plusSeconds(600));

        assertError(send("GET", "/v1.0/me/onlineMeetings/" + id + "/attendanceReports", meetingsOnly, null), 403, "Forbidden",
                "OnlineMeetingArtifact.Read.All");
        assertError(send("GET", meetings() + "/" + id + "/attendanceReports", writer, null), 403, "Forbidden",
                "OnlineMeetingArtifact.Read.All");
        var list = send("GET", "/v1.0/me/onlineMeetings/" + id + "/attendanceReports", artifacts, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(list.body()).get("value").get(0);
        assertThat(report.get("totalParticipantCount").asInt()).isEqualTo(2);
        assertThat(report.get("meetingEndDateTime").asText()).isEqualTo("2030-01-15T09:10:00Z");

        String records = "/v1.0/me/onlineMeetings/" + id + "/attendanceReports/" + report.get("id").asText() + "/attendanceRecords";
        JsonNode guest = JSON.readTree(send("GET", records, artifacts, null).body()).get("value").get(1);
        assertThat(guest.at("/identity/@odata.type").asText()).isEqualTo("#microsoft.graph.azureCommunicationServicesUserIdentity");
        assertThat(guest.at("/identity/id").asText()).isEqualTo(ada);
        assertThat(guest.at("/identity/azureCommunicationServicesResourceId").asText()).isEqualTo("44444444-4444-4444-8444-444444444444");
        assertThat(guest.get("totalAttendanceInSeconds").asInt()).isEqualTo(540);
        assertThat(guest.get("role").asText()).isEqualTo("Attendee");
        var one = send("GET", records + "/" + URLEncoder.encode(ada, StandardCharsets.UTF_8), artifacts, null);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).at("/identity/displayName").asText()).isEqualTo("Ada");
        assertError(send("GET", records + "/nobody", artifacts, null), 404, "itemNotFound", "attendance record");
    }

    @Test
    void recordingsNeedTheRecordingPermissionAndTheAccessPolicyAndTheirContentReadsBack() throws Exception {
        String id = JSON.readTree(send("POST", meetings(), writer, BODY).body()).get("id").asText();
        recorded.put(id, List.of(new dev.porta.meetings.recording.MeetingRecordings.Recording("rec-0000000001",
                Instant.parse("2030-01-15T09:01:00Z"), Instant.parse("2030-01-15T09:20:00Z"), CONTENT.length, "video/mp4")));
        AppRegistration rec = directory.registerApp(TENANT, "Recordings", EnumSet.of(AppPermission.ONLINE_MEETING_RECORDING_READ_ALL), List.of());
        AppRegistration stranger = directory.registerApp(TENANT, "Stranger", EnumSet.of(AppPermission.ONLINE_MEETING_RECORDING_READ_ALL), List.of());
        var w = directory.apps(TENANT).stream().filter(a -> a.displayName().equals("Writer")).findFirst().orElseThrow();
        var r = directory.apps(TENANT).stream().filter(a -> a.displayName().equals("Reader")).findFirst().orElseThrow();
        directory.setAccessPolicy(TENANT, "apps", Set.of(w.clientId(), r.clientId(), rec.clientId()));
        String recordingsApp = issuer.issueAppToken(rec, Audiences.GRAPH).accessToken();
        String strangerApp = issuer.issueAppToken(stranger, Audiences.GRAPH).accessToken();
        String list = meetings() + "/" + id + "/recordings";

        assertError(send("GET", list, writer, null), 403, "Forbidden", "OnlineMeetingRecording.Read.All");
        assertError(send("GET", list, strangerApp, null), 403, "Forbidden", "No Application Access Policy");
        var listed = send("GET", list, recordingsApp, null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode first = JSON.readTree(listed.body()).get("value").get(0);
        assertThat(first.get("id").asText()).isEqualTo("rec-0000000001");
        assertThat(first.get("meetingId").asText()).isEqualTo(id);
        assertThat(first.at("/meetingOrganizer/user/id").asText()).isEqualTo(megan.id().value());
        assertThat(first.get("createdDateTime").asText()).isEqualTo("2030-01-15T09:01:00Z");
        assertThat(first.get("recordingContentUrl").asText()).isEqualTo(base + list.substring(1) + "/rec-0000000001/content");

        var content = http.send(HttpRequest.newBuilder(URI.create(first.get("recordingContentUrl").asText()))
                .header("Authorization", "Bearer " + recordingsApp).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(content.body()).isEqualTo(CONTENT);
        assertError(send("GET", list + "/rec-0000000002/content", recordingsApp, null), 404, "itemNotFound", "recording");
        assertError(send("GET", list + "/rec-0000000001/content", writer, null), 403, "Forbidden", "OnlineMeetingRecording.Read.All");
    }

    /** Serves {@link #recorded}. */
    private final class InMemoryRecordings implements dev.porta.meetings.recording.MeetingRecordings {
        @Override
        public List<Recording> list(String meetingId) {
            return recorded.getOrDefault(meetingId, List.of());
        }

        @Override
        public Optional<Recording> find(String meetingId, String recordingId) {
            return list(meetingId).stream().filter(r -> r.id().equals(recordingId)).findFirst();
        }

        @Override
        public Optional<Content> open(String meetingId, String recordingId) {
            return find(meetingId, recordingId).map(r -> new Content(new java.io.ByteArrayInputStream(CONTENT), CONTENT.length,
                    r.contentType()));
        }
    }

    private String meetings() {
        return "/v1.0/users/" + megan.id() + "/onlineMeetings";
    }

    private void assertError(HttpResponse<String> res, int status, String code, String messagePart) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode e = JSON.readTree(res.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("message").asText()).contains(messagePart);
        assertThat(e.at("/innerError/request-id").asText()).isNotBlank();
        assertThat(e.at("/innerError/client-request-id").asText()).isEqualTo("crid-1");
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path.substring(1))).header("client-request-id", "crid-1")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
