// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.AppPermission;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.MemberId;
import dev.porta.directory.oauth.Principal;
import dev.porta.directory.oauth.TokenVerifier;
import dev.porta.meetings.JoinLinks;
import dev.porta.meetings.MeetingId;
import dev.porta.meetings.MeetingService;
import dev.porta.meetings.MeetingValidationException;
import dev.porta.meetings.OnlineMeeting;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Graph v1.0 onlineMeetings API (reference §1): app-only callers under {@code /users/{userId}},
 * signed-in members under {@code /me}. Every call is authenticated by the token issuer's verifier, then
 * authorized by the token's role or scope and, for apps, the application access policy; nothing is
 * changed by a refused call.
 */
public final class OnlineMeetingRoutes {
    private static final int MAX_BODY_CHARS = 64 * 1024;
    private static final Set<String> CREATE_OR_GET_FIELDS = Set.of("externalId", "subject", "startDateTime", "endDateTime",
            "participants", "chatInfo");

    private final MeetingService meetings;
    private final Directory directory;
    private final TokenVerifier tokens;
    private final JoinLinks links;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private AttendanceRoutes attendance;
    private RecordingRoutes recordings;

    /** @param baseUrl Porta's public base URL ending in {@code /}, for {@code @odata.context} */
    public OnlineMeetingRoutes(MeetingService meetings, Directory directory, TokenVerifier tokens, JoinLinks links,
                               Supplier<String> baseUrl, Clock clock) {
        this.meetings = meetings;
        this.directory = directory;
        this.tokens = tokens;
        this.links = links;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    public void register(JavalinDefaultRoutingApi r) {
        r.before("/v1.0/*", GraphError::correlate);
        for (String base : List.of("/v1.0/me/onlineMeetings", "/v1.0/users/{userId}/onlineMeetings")) {
            r.post(base, ctx -> withOrganizer(ctx, Access.WRITE, this::create));
            r.get(base, ctx -> withOrganizer(ctx, Access.READ, this::findByFilter));
            r.post(base + "/createOrGet", ctx -> withOrganizer(ctx, Access.WRITE, this::createOrGet));
            r.get(base + "/{meetingId}", ctx -> withOrganizer(ctx, Access.READ, this::get));
            r.patch(base + "/{meetingId}", ctx -> withOrganizer(ctx, Access.WRITE, this::update));
            r.delete(base + "/{meetingId}", ctx -> withOrganizer(ctx, Access.WRITE, this::delete));
        }
        r.get("/v1.0/communications/onlineMeetings", this::findByVideoTeleconferenceId);
        if (recordings != null) {
            for (String base : List.of("/v1.0/me/onlineMeetings/{meetingId}", "/v1.0/users/{userId}/onlineMeetings/{meetingId}")) {
                r.get(base + "/recordings", ctx -> withOrganizer(ctx, Access.READ_RECORDINGS, recordings::list));
                r.get(base + "/recordings/{recordingId}", ctx -> withOrganizer(ctx, Access.READ_RECORDINGS, recordings::get));
                r.get(base + "/recordings/{recordingId}/content",
                        ctx -> withOrganizer(ctx, Access.READ_RECORDINGS, recordings::content));
            }
        }
        if (attendance != null) {
            for (String base : List.of("/v1.0/me/onlineMeetings/{meetingId}", "/v1.0/users/{userId}/onlineMeetings/{meetingId}")) {
                r.get(base + "/attendanceReports", ctx -> withOrganizer(ctx, Access.READ_ARTIFACTS, attendance::listReports));
                r.get(base + "/attendanceReports/{reportId}", ctx -> withOrganizer(ctx, Access.READ_ARTIFACTS, attendance::getReport));
                r.get(base + "/attendanceReports/{reportId}/attendanceRecords",
                        ctx -> withOrganizer(ctx, Access.READ_ARTIFACTS, attendance::listRecords));
                r.get(base + "/attendanceReports/{reportId}/attendanceRecords/{recordId}",
                        ctx -> withOrganizer(ctx, Access.READ_ARTIFACTS, attendance::getRecord));
            }
        }
    }

    /** Serves attendance reports from {@code store} (the routes exist only with it). */
    public OnlineMeetingRoutes withAttendance(dev.porta.meetings.attendance.JdbcAttendanceStore store) {
        this.attendance = new AttendanceRoutes(store, directory, baseUrl, clock, this::meeting);
        return this;
    }

    /** Serves recordings from {@code store} (the routes exist only with it). */
    public OnlineMeetingRoutes withRecordings(dev.porta.meetings.recording.MeetingRecordings store) {
        this.recordings = new RecordingRoutes(store, baseUrl, clock, this::meeting);
        return this;
    }

    /** What an operation needs: reading meetings, changing them, reading their artifacts (attendance) or recordings. */
    private enum Access { READ, WRITE, READ_ARTIFACTS, READ_RECORDINGS }

    /** A handler that runs once the caller may act on the organizer's meetings. */
    @FunctionalInterface
    interface Operation {
        void handle(Context ctx, Member organizer);
    }

    // ---- operations

    private void create(Context ctx, Member organizer) {
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        validated(ctx, () -> {
            OnlineMeeting m = GraphJson.apply(meetings.draft(organizer.tenantId(), organizer.id()), body, GraphJson.Mode.CREATE, clock.instant());
            send(ctx, 201, meetings.create(m), organizer, true);
        });
    }

    private void createOrGet(Context ctx, Member organizer) {
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        JsonNode externalId = body.get("externalId");
        if (externalId == null || !externalId.isTextual() || externalId.textValue().isBlank()) {
            GraphError.send(ctx, clock, 400, "BadRequest", "externalId is required and must be a non-empty string.");
            return;
        }
        ObjectNode fields = GraphJson.JSON.createObjectNode();
        CREATE_OR_GET_FIELDS.forEach(f -> {
            if (body.has(f)) {
                fields.set(f, body.get(f));
            }
        });
        validated(ctx, () -> {
            OnlineMeeting draft = GraphJson.apply(meetings.draft(organizer.tenantId(), organizer.id()), fields,
                    GraphJson.Mode.CREATE_OR_GET, clock.instant());
            MeetingService.CreateOrGet result = meetings.createOrGet(draft);
            send(ctx, result.created() ? 201 : 200, result.meeting(), organizer, true);
        });
    }

    private void get(Context ctx, Member organizer) {
        meeting(ctx, organizer).ifPresent(m -> send(ctx, 200, m, organizer, true));
    }

    private void update(Context ctx, Member organizer) {
        Optional<OnlineMeeting> before = meeting(ctx, organizer);
        if (before.isEmpty()) {
            return;
        }
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        validated(ctx, () -> {
            OnlineMeeting after = GraphJson.apply(before.get(), body, GraphJson.Mode.PATCH, clock.instant());
            if (!meetings.update(before.get(), after)) {
                notFound(ctx);
                return;
            }
            send(ctx, 200, after, organizer, true);
        });
    }

    private void delete(Context ctx, Member organizer) {
        Optional<OnlineMeeting> m = meeting(ctx, organizer);
        if (m.isPresent()) {
            meetings.delete(m.get());
            ctx.status(204);
        }
    }

    private void findByFilter(Context ctx, Member organizer) {
        String filter = ctx.queryParam("$filter");
        if (filter == null || filter.isBlank()) {
            GraphError.send(ctx, clock, 400, "BadRequest",
                    "This request requires a $filter: JoinWebUrl eq '<url>' or joinMeetingIdSettings/joinMeetingId eq '<id>'.");
            return;
        }
        Optional<GraphFilter> parsed = GraphFilter.parse(filter);
        if (parsed.isEmpty()) {
            GraphError.send(ctx, clock, 400, "BadRequest", "Invalid $filter: only JoinWebUrl eq '…', "
                    + "joinMeetingIdSettings/joinMeetingId eq '…' and VideoTeleconferenceId eq '…' are supported.");
            return;
        }
        Optional<String> unquoted = parsed.get().value();
        if (unquoted.isEmpty()) {
            GraphError.send(ctx, clock, 400, "BadRequest", "Invalid $filter: a quote inside the string literal must be doubled ('').");
            return;
        }
        String literal = unquoted.get();
        Optional<OnlineMeeting> found = switch (parsed.get().propertyKey()) {
            case "joinweburl" -> {
                String url = literal;
                yield JoinLinks.threadIdOf(url).flatMap(t -> meetings.findByThreadId(organizer.tenantId(), organizer.id(), t))
                        .filter(meeting -> links.matches(meeting, url));
            }
            case "joinmeetingidsettings/joinmeetingid" ->
                    meetings.findByJoinMeetingId(organizer.tenantId(), organizer.id(), literal.replace(" ", ""));
            default -> Optional.empty(); // Porta meetings have no video teleconference id
        };
        ObjectNode body = GraphJson.JSON.createObjectNode();
        body.put("@odata.context", baseUrl.get() + "v1.0/$metadata#users('" + organizer.id() + "')/onlineMeetings");
        var value = body.putArray("value");
        found.ifPresent(meeting -> value.add(GraphJson.toJson(meeting, organizer, links.joinWebUrl(meeting), includeEvolvable(ctx), null)));
        ctx.status(200).contentType("application/json; charset=utf-8").result(body.toString());
    }

    /**
     * App-only lookup by video teleconference id. Porta meetings have no VTC id, so a well-formed query
     * is answered with an empty collection (after the usual token and role checks).
     */
    private void findByVideoTeleconferenceId(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        TokenVerifier.Result result = tokens.verify(token);
        if (result instanceof TokenVerifier.Result.Refused(String message)) {
            GraphError.send(ctx, clock, 401, "InvalidAuthenticationToken", message);
            return;
        }
        if (!(((TokenVerifier.Result.Valid) result).principal() instanceof Principal.App app)
                || app.roles().isEmpty()) {
            GraphError.send(ctx, clock, 403, "Forbidden", "This request needs an app-only token with OnlineMeetings.Read.All or OnlineMeetings.ReadWrite.All.");
            return;
        }
        String filter = ctx.queryParam("$filter");
        if (GraphFilter.parse(filter).filter(f -> f.property().equalsIgnoreCase("VideoTeleconferenceId")).isEmpty()) {
            GraphError.send(ctx, clock, 400, "BadRequest", "Invalid $filter: use VideoTeleconferenceId eq '<id>'.");
            return;
        }
        ObjectNode body = GraphJson.JSON.createObjectNode();
        body.put("@odata.context", baseUrl.get() + "v1.0/$metadata#communications/onlineMeetings");
        body.putArray("value");
        ctx.status(200).contentType("application/json; charset=utf-8").result(body.toString());
    }

    // ---- authentication and authorization

    private void withOrganizer(Context ctx, Access access, Operation op) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        if (token.isEmpty()) {
            GraphError.send(ctx, clock, 401, "InvalidAuthenticationToken", "Access token is empty.");
            return;
        }
        TokenVerifier.Result result = tokens.verify(token);
        if (result instanceof TokenVerifier.Result.Refused(String message)) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            GraphError.send(ctx, clock, 401, "InvalidAuthenticationToken", message);
            return;
        }
        Principal principal = ((TokenVerifier.Result.Valid) result).principal();
        String userId = ctx.pathParamMap().get("userId");
        Optional<Member> organizer = switch (principal) {
            case Principal.Member member -> memberCaller(ctx, member, userId, access);
            case Principal.App app -> appCaller(ctx, app, userId, access);
        };
        organizer.ifPresent(o -> op.handle(ctx, o));
    }

    private Optional<Member> memberCaller(Context ctx, Principal.Member member, String userId, Access access) {
        Set<String> scopes = member.scopes();
        String needed = switch (access) {
            case WRITE -> scopes.contains("OnlineMeetings.ReadWrite") ? null : "OnlineMeetings.ReadWrite";
            case READ -> scopes.contains("OnlineMeetings.ReadWrite") || scopes.contains("OnlineMeetings.Read") ? null
                    : "OnlineMeetings.Read or OnlineMeetings.ReadWrite";
            case READ_ARTIFACTS -> scopes.contains("OnlineMeetingArtifact.Read.All") ? null : "OnlineMeetingArtifact.Read.All";
            case READ_RECORDINGS -> scopes.contains("OnlineMeetingRecording.Read.All") ? null : "OnlineMeetingRecording.Read.All";
        };
        if (needed != null) {
            GraphError.send(ctx, clock, 403, "Forbidden", "Insufficient privileges: the token's scopes do not include " + needed + ".");
            return Optional.empty();
        }
        Optional<Member> self = directory.member(member.tenant(), member.memberId());
        if (userId != null && self.isPresent() && !userId.equalsIgnoreCase(self.get().id().value())
                && !userId.equalsIgnoreCase(self.get().userPrincipalName())) {
            GraphError.send(ctx, clock, 403, "Forbidden", "A signed-in member can act only on their own meetings.");
            return Optional.empty();
        }
        if (self.isEmpty()) {
            GraphError.send(ctx, clock, 401, "InvalidAuthenticationToken", "The signed-in member no longer exists.");
        }
        return self;
    }

    private Optional<Member> appCaller(Context ctx, Principal.App app, String userId, Access access) {
        if (userId == null) {
            GraphError.send(ctx, clock, 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
            return Optional.empty();
        }
        Set<AppPermission> roles = app.roles();
        String needed = switch (access) {
            case WRITE -> roles.contains(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL) ? null : "OnlineMeetings.ReadWrite.All";
            case READ -> roles.contains(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL) || roles.contains(AppPermission.ONLINE_MEETINGS_READ_ALL)
                    ? null : "OnlineMeetings.Read.All or OnlineMeetings.ReadWrite.All";
            // Graph: attendance reports are meeting artifacts; the meeting permissions do not reach them.
            case READ_ARTIFACTS -> roles.contains(AppPermission.ONLINE_MEETING_ARTIFACT_READ_ALL) ? null : "OnlineMeetingArtifact.Read.All";
            // Graph: recordings have a permission of their own; neither the meeting nor the artifact permission reaches them.
            case READ_RECORDINGS -> roles.contains(AppPermission.ONLINE_MEETING_RECORDING_READ_ALL) ? null
                    : "OnlineMeetingRecording.Read.All";
        };
        if (needed != null) {
            GraphError.send(ctx, clock, 403, "Forbidden", "The app lacks the application permission " + needed + ".");
            return Optional.empty();
        }
        Optional<MemberId> byId = MemberId.parse(userId);
        // A member of another tenant is answered exactly like an id no one has, so ids cannot be probed across tenants.
        // The policy is checked before the user's existence, so an app outside it learns nothing about users.
        if (byId.isPresent() && !directory.mayActFor(app.tenant(), app.clientId(), byId.get())) {
            GraphError.send(ctx, clock, 403, "Forbidden", "No Application Access Policy found for this app");
            return Optional.empty();
        }
        Optional<Member> member = byId.isPresent() ? directory.member(app.tenant(), byId.get())
                : userId.length() <= 256 ? directory.memberByUpn(app.tenant(), userId) : Optional.empty();
        if (member.isPresent() && byId.isEmpty() && !directory.mayActFor(app.tenant(), app.clientId(), member.get().id())) {
            GraphError.send(ctx, clock, 403, "Forbidden", "No Application Access Policy found for this app");
            return Optional.empty();
        }
        if (member.isEmpty() || !member.get().enabled()) {
            if (byId.isEmpty()) {
                GraphError.send(ctx, clock, 403, "Forbidden", "No Application Access Policy found for this app");
            } else {
                GraphError.send(ctx, clock, 404, "itemNotFound", "User '" + byId.get() + "' was not found in this tenant.");
            }
            return Optional.empty();
        }
        return member;
    }

    // ---- helpers

    Optional<OnlineMeeting> meeting(Context ctx, Member organizer) {
        Optional<OnlineMeeting> m = MeetingId.parse(ctx.pathParam("meetingId"))
                .flatMap(id -> meetings.find(organizer.tenantId(), organizer.id(), id));
        if (m.isEmpty()) {
            notFound(ctx);
        }
        return m;
    }

    private void notFound(Context ctx) {
        GraphError.send(ctx, clock, 404, "itemNotFound", "The online meeting was not found.");
    }

    private JsonNode body(Context ctx) {
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("application/json")) {
            GraphError.send(ctx, clock, 415, "UnsupportedMediaType", "The request body must be application/json.");
            return null;
        }
        String text = ctx.body();
        if (text.length() > MAX_BODY_CHARS) {
            GraphError.send(ctx, clock, 413, "RequestEntityTooLarge", "The request body is larger than " + MAX_BODY_CHARS + " characters.");
            return null;
        }
        try {
            JsonNode node = GraphJson.JSON.readTree(text);
            if (node == null || !node.isObject()) {
                GraphError.send(ctx, clock, 400, "BadRequest", "The request body must be a JSON object.");
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            GraphError.send(ctx, clock, 400, "BadRequest", "The request body is not valid JSON.");
            return null;
        }
    }

    private void validated(Context ctx, Runnable work) {
        try {
            work.run();
        } catch (MeetingValidationException e) {
            GraphError.send(ctx, clock, 400, "BadRequest", e.getMessage() + " (property: " + e.field() + ")");
        }
    }

    private void send(Context ctx, int status, OnlineMeeting m, Member organizer, boolean entity) {
        String context = baseUrl.get() + "v1.0/$metadata#users('" + organizer.id() + "')/onlineMeetings" + (entity ? "/$entity" : "");
        ObjectNode json = GraphJson.toJson(m, organizer, links.joinWebUrl(m), includeEvolvable(ctx), context);
        ctx.status(status).contentType("application/json; charset=utf-8").result(json.toString());
    }

    private static boolean includeEvolvable(Context ctx) {
        String prefer = ctx.header("Prefer");
        return prefer != null && prefer.toLowerCase(java.util.Locale.ROOT).contains("include-unknown-enum-members");
    }
}
