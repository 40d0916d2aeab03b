// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.BearerSecret;
import dev.porta.common.RateLimiter;
import dev.porta.directory.ClientId;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.DirectoryStore;
import dev.porta.directory.MemberId;
import dev.porta.directory.MemberRole;
import dev.porta.directory.TenantId;
import dev.porta.directory.audit.Audit;
import dev.porta.directory.audit.AuditAction;
import dev.porta.directory.audit.AuditActor;
import dev.porta.directory.audit.AuditDiff;
import dev.porta.directory.audit.AuditEvent;
import dev.porta.directory.audit.AuditQuery;
import dev.porta.directory.oauth.Principal;
import dev.porta.directory.oauth.TokenVerifier;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The admin REST API under {@code /admin/v1}: tenants, members, app registrations and their secrets,
 * application access policies, meeting policies. Authenticated with the configured admin key as a
 * bearer token (off when none is configured); failed attempts are rate-limited per address.
 * Every change and every refused key is recorded in the audit log ({@link #withAudit}), which
 * {@code GET /admin/v1/audit} reads back.
 *
 * <p>With {@link #withMemberSignIn}, a member signed in through the admin console (a delegated token
 * of the console's own app registration) may call it too, as {@code member:<id>}, within its roles,
 * checked on every request ({@link AdminAccess}): an auditor only reads, a tenant admin also changes;
 * both only in their own tenant; creating tenants stays with the admin key.
 */
public final class AdminRoutes {
    private static final String T = "/admin/v1/tenants/{tenant}";

    private final Directory directory;
    private final BearerSecret adminKey;
    private final RateLimiter failures;
    private volatile Audit audit = Audit.off();
    private volatile TokenVerifier tokens;
    private volatile Predicate<ClientId> consoleClient = c -> false;
    private final LiveMeetingRoutes live = new LiveMeetingRoutes(this);

    public AdminRoutes(Directory directory, String adminKey, RateLimiter failures) {
        this.directory = directory;
        this.adminKey = new BearerSecret(adminKey, failures, "admin:");
        this.failures = failures;
    }

    /** Records every change made through this API, and refused admin keys, in {@code audit}; returns this. */
    public AdminRoutes withAudit(Audit audit) {
        this.audit = audit;
        return this;
    }

    /**
     * Lets members with an administrator role call this API with their own sign-in token, but only a
     * token issued to {@code consoleClient} (the admin console's registration): another app a tenant
     * admin signs in to gets a token the admin API refuses. Returns this.
     */
    public AdminRoutes withMemberSignIn(TokenVerifier tokens, Predicate<ClientId> consoleClient) {
        this.consoleClient = consoleClient;
        this.tokens = tokens;
        return this;
    }

    /** Shows {@code live} meetings and lets tenant admins end them or remove someone from them; returns this. */
    public AdminRoutes withLiveMeetings(LiveMeetings live) {
        this.live.serve(live);
        return this;
    }

    public void register(JavalinDefaultRoutingApi r) {
        r.get("/admin/v1/me", ctx -> admin(ctx, this::me));
        r.put(T + "/members/{memberId}/roles/{role}", ctx -> admin(ctx, this::grantRole));
        r.delete(T + "/members/{memberId}/roles/{role}", ctx -> admin(ctx, this::revokeRole));
        r.get("/admin/v1/audit", ctx -> admin(ctx, this::readAudit));
        r.get("/admin/v1/tenants", ctx -> admin(ctx, this::listTenants));
        r.post("/admin/v1/tenants", ctx -> admin(ctx, this::createTenant));
        r.get(T + "/members", ctx -> admin(ctx, this::listMembers));
        r.post(T + "/members", ctx -> admin(ctx, this::addMember));
        r.patch(T + "/members/{memberId}", ctx -> admin(ctx, this::updateMember));
        r.delete(T + "/members/{memberId}", ctx -> admin(ctx, this::deleteMember));
        // Graph's name for it: revokes the member's refresh tokens, so every app must sign them in again.
        r.post(T + "/members/{memberId}/revokeSignInSessions", ctx -> admin(ctx, this::revokeSignInSessions));
        r.get(T + "/apps", ctx -> admin(ctx, this::listApps));
        r.post(T + "/apps", ctx -> admin(ctx, this::registerApp));
        r.patch(T + "/apps/{appId}", ctx -> admin(ctx, this::updateApp));
        r.delete(T + "/apps/{appId}", ctx -> admin(ctx, this::deleteApp));
        r.get(T + "/apps/{appId}/secrets", ctx -> admin(ctx, this::listSecrets));
        r.post(T + "/apps/{appId}/secrets", ctx -> admin(ctx, this::addSecret));
        r.delete(T + "/apps/{appId}/secrets/{keyId}", ctx -> admin(ctx, this::deleteSecret));
        r.get(T + "/access-policies", ctx -> admin(ctx, this::listAccessPolicies));
        r.put(T + "/access-policies/{name}", ctx -> admin(ctx, this::setAccessPolicy));
        r.put(T + "/access-policy-grants/{memberOrTenant}", ctx -> admin(ctx, this::grantAccessPolicy));
        r.get(T + "/meeting-policy", ctx -> admin(ctx, this::getTenantMeetingPolicy));
        r.put(T + "/meeting-policy", ctx -> admin(ctx, this::setTenantMeetingPolicy));
        r.get(T + "/members/{memberId}/meeting-policy", ctx -> admin(ctx, this::getOrganizerMeetingPolicy));
        r.put(T + "/members/{memberId}/meeting-policy", ctx -> admin(ctx, this::setOrganizerMeetingPolicy));
        r.delete(T + "/members/{memberId}/meeting-policy", ctx -> admin(ctx, this::clearOrganizerMeetingPolicy));
        live.register(r, T);
    }

    @FunctionalInterface
    interface Operation {
        void handle(Context ctx);
    }

    void admin(Context ctx, Operation op) {
        Optional<Principal.Member> member = signedInMember(ctx.header("Authorization"));
        if (member.isPresent()) {
            asMember(ctx, member.get(), op);
            return;
        }
        if (!adminKey.isSet() && tokens == null) {
            error(ctx, 404, "NotFound", "The admin API is off; set directory.admin-key to turn it on.");
            return;
        }
        ctx.attribute(CALLER, AdminAccess.Caller.KEY);
        switch (adminKey.check(ctx.header("Authorization"), ctx.ip())) {
            case THROTTLED -> {
                ctx.header("Retry-After", Long.toString(adminKey.retryAfterSeconds(ctx.ip())));
                error(ctx, 429, "TooManyRequests", "Too many requests with a wrong admin key; try again later.");
                return;
            }
            case REFUSED -> {
                // only evaluated attempts reach here: the limiter's refusals (429) are not stored, so a
                // flood adds at most failed-secret-burst events per address and window
                audit.record(Optional.empty(), AuditActor.ANONYMOUS, AuditAction.ADMIN_KEY_REFUSED,
                        ctx.method() + " " + ctx.path(), ctx.ip(), Map.of());
                error(ctx, 401, "Unauthorized", "A valid admin key is required (Authorization: Bearer <directory.admin-key>).");
                return;
            }
            case ACCEPTED -> { }
        }
        run(ctx, op);
    }

    /** A console member's request: its roles decide, on the server, before anything runs. */
    private void asMember(Context ctx, Principal.Member member, Operation op) {
        var caller = new AdminAccess.Caller(Optional.of(member), directory.roles(member.tenant(), member.memberId()));
        ctx.attribute(CALLER, caller);
        Optional<String> refusal = AdminAccess.refusal(caller, ctx.method().name(), ctx.path(),
                Optional.ofNullable(ctx.pathParamMap().get("tenant")), Optional.ofNullable(ctx.queryParam("tenant")));
        // refusals are charged per member like wrong keys per address: a member without a role cannot
        // grow the audit log at line rate, and once over the limit gets 429 with nothing stored
        String limitKey = "admin-member:" + member.memberId().value();
        if (refusal.isPresent() && !failures.tryAcquire(limitKey)) {
            ctx.header("Retry-After", Long.toString(Math.max(1, failures.retryAfter(limitKey).toSeconds())));
            error(ctx, 429, "TooManyRequests", "Too many refused requests; try again later.");
            return;
        }
        if (refusal.isPresent()) {
            audit.record(member.tenant(), AuditActor.member(member.memberId()), AuditAction.ADMIN_ACCESS_REFUSED,
                    ctx.method() + " " + ctx.path(), ctx.ip(), Map.of());
            error(ctx, 403, "Forbidden", refusal.get());
            return;
        }
        run(ctx, op);
    }

    /** The member of a valid console token; empty for the admin key, other apps' tokens and anything else. */
    private Optional<Principal.Member> signedInMember(String authorization) {
        TokenVerifier t = tokens;
        if (t == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        // a JWT has three parts; the admin key is anything else, checked (and rate-limited) as before
        if (token.chars().filter(ch -> ch == '.').count() != 2) {
            return Optional.empty();
        }
        return t.verifyMember(token).filter(m -> consoleClient.test(m.clientId()));
    }

    private void run(Context ctx, Operation op) {
        try {
            op.handle(ctx);
        } catch (DirectoryException e) {
            int status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            };
            error(ctx, status, switch (e.kind()) {
                case INVALID -> "BadRequest";
                case NOT_FOUND -> "NotFound";
                case CONFLICT -> "Conflict";
            }, e.getMessage());
        }
    }

    // ---- who is calling, and roles

    /** {@code GET /admin/v1/me}: the caller, for the console: its member, tenant and roles (or the admin key). */
    private void me(Context ctx) {
        AdminAccess.Caller caller = caller(ctx);
        ObjectNode out = AdminJson.JSON.createObjectNode();
        out.put("actor", caller.actor().value());
        if (caller.member().isPresent()) {
            Principal.Member m = caller.member().get();
            out.put("tenantId", m.tenant().value()).put("memberId", m.memberId().value())
                    .put("displayName", m.displayName()).put("userPrincipalName", m.userPrincipalName());
        }
        ArrayNode roles = out.putArray("roles");
        caller.roles().forEach(r -> roles.add(r.wireName()));
        out.put("canChange", caller.canChange());
        ctx.header("Cache-Control", "no-store");
        ok(ctx, 200, out);
    }

    private void grantRole(Context ctx) {
        TenantId tenant = tenant(ctx);
        MemberRole role = role(ctx);
        if (directory.grantRole(tenant, member(ctx), role)) {
            record(ctx, tenant, AuditAction.MEMBER_ROLE_GRANTED, member(ctx).value(), Map.of("role", role.wireName()));
        }
        ok(ctx, 200, memberJson(tenant, directory.member(tenant, member(ctx)).orElseThrow()));
    }

    private void revokeRole(Context ctx) {
        TenantId tenant = tenant(ctx);
        MemberRole role = role(ctx);
        if (directory.revokeRole(tenant, member(ctx), role)) {
            record(ctx, tenant, AuditAction.MEMBER_ROLE_REVOKED, member(ctx).value(), Map.of("role", role.wireName()));
        }
        ok(ctx, 200, memberJson(tenant, directory.member(tenant, member(ctx)).orElseThrow()));
    }

    private ObjectNode memberJson(TenantId tenant, dev.porta.directory.Member m) {
        ObjectNode json = AdminJson.member(m);
        ArrayNode roles = json.putArray("roles");
        directory.roles(tenant, m.id()).forEach(r -> roles.add(r.wireName()));
        return json;
    }

    private static MemberRole role(Context ctx) {
        return MemberRole.parse(ctx.pathParam("role")).orElseThrow(() -> DirectoryException.invalid("role",
                "'" + clip(ctx.pathParam("role")) + "' is not a role; the roles are tenant-admin and auditor."));
    }

    // ---- tenants and members

    private void listTenants(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        Optional<TenantId> own = caller(ctx).member().map(Principal.Member::tenant);
        directory.tenants().stream().filter(t -> own.isEmpty() || own.get().equals(t.id())).forEach(t -> a.add(AdminJson.tenant(t)));
        ok(ctx, 200, list(a));
    }

    private void createTenant(Context ctx) {
        JsonNode body = body(ctx);
        String id = AdminJson.text(body, "id");
        TenantId tenant = id == null ? TenantId.random()
                : TenantId.parse(id).orElseThrow(() -> DirectoryException.invalid("id", "'id' must be a UUID."));
        var created = directory.createTenant(tenant, AdminJson.text(body, "displayName"));
        record(ctx, tenant, AuditAction.TENANT_CREATED, tenant.value(), Map.of("displayName", created.displayName()));
        ok(ctx, 201, AdminJson.tenant(created));
    }

    private void listMembers(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        TenantId tenant = tenant(ctx);
        directory.members(tenant).forEach(m -> a.add(memberJson(tenant, m)));
        ok(ctx, 200, list(a));
    }

    private void addMember(Context ctx) {
        JsonNode body = body(ctx);
        TenantId tenant = tenant(ctx);
        var m = directory.addMember(tenant, AdminJson.text(body, "userPrincipalName"),
                AdminJson.text(body, "displayName"), AdminJson.text(body, "password"));
        record(ctx, tenant, AuditAction.MEMBER_CREATED, m.id().value(), Map.of("userPrincipalName", m.userPrincipalName()));
        ok(ctx, 201, AdminJson.member(m));
    }

    private void updateMember(Context ctx) {
        JsonNode body = body(ctx);
        Boolean enabled = null;
        if (body.has("accountEnabled")) {
            if (!body.get("accountEnabled").isBoolean()) {
                throw DirectoryException.invalid("accountEnabled", "'accountEnabled' must be true or false.");
            }
            enabled = body.get("accountEnabled").booleanValue();
        }
        TenantId tenant = tenant(ctx);
        MemberId id = member(ctx);
        JsonNode before = directory.member(tenant, id).map(AdminJson::member).orElse(null);
        String password = AdminJson.text(body, "password");
        var m = directory.updateMember(tenant, id, AdminJson.text(body, "displayName"), password, enabled);
        // one event per kind of change, so "who disabled Adele" is one filter; never the password itself
        if (password != null) {
            record(ctx, tenant, AuditAction.MEMBER_PASSWORD_RESET, id.value(), Map.of());
        }
        if (enabled != null && before != null && before.path("accountEnabled").asBoolean() != enabled) {
            record(ctx, tenant, enabled ? AuditAction.MEMBER_ENABLED : AuditAction.MEMBER_DISABLED, id.value(), Map.of());
        }
        if (body.has("displayName") && before != null) {
            Map<String, String> changed = AuditDiff.of(before.path("displayName"), AdminJson.member(m).path("displayName"));
            if (!changed.isEmpty()) {
                record(ctx, tenant, AuditAction.MEMBER_UPDATED, id.value(), Map.of("displayName", changed.values().iterator().next()));
            }
        }
        ok(ctx, 200, AdminJson.member(m));
    }

    private void deleteMember(Context ctx) {
        TenantId tenant = tenant(ctx);
        if (!directory.deleteMember(tenant, member(ctx))) {
            throw DirectoryException.notFound("Member " + ctx.pathParam("memberId"));
        }
        record(ctx, tenant, AuditAction.MEMBER_DELETED, member(ctx).value(), Map.of());
        ctx.status(204);
    }

    private void revokeSignInSessions(Context ctx) {
        int revoked = directory.revokeSignInSessions(tenant(ctx), member(ctx));
        record(ctx, tenant(ctx), AuditAction.MEMBER_SESSIONS_REVOKED, member(ctx).value(), Map.of("revokedRefreshTokens", Integer.toString(revoked)));
        ok(ctx, 200, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("value", true).put("revokedRefreshTokens", revoked));
    }

    // ---- apps and secrets

    private void listApps(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        directory.apps(tenant(ctx)).forEach(app -> a.add(AdminJson.app(app)));
        ok(ctx, 200, list(a));
    }

    private void registerApp(Context ctx) {
        JsonNode body = body(ctx);
        TenantId tenant = tenant(ctx);
        var app = directory.registerApp(tenant, AdminJson.text(body, "displayName"),
                AdminJson.permissions(body), AdminJson.strings(body, "redirectUris"));
        ObjectNode json = AdminJson.app(app);
        record(ctx, tenant, AuditAction.APP_REGISTERED, app.clientId().value(), Map.of("displayName", app.displayName(),
                "permissions", json.path("permissions").toString(), "redirectUris", json.path("redirectUris").toString()));
        ok(ctx, 201, json);
    }

    private void updateApp(Context ctx) {
        JsonNode body = body(ctx);
        TenantId tenant = tenant(ctx);
        ClientId app = app(ctx);
        JsonNode before = directory.app(tenant, app).map(AdminJson::app).orElse(null);
        if (body.has("permissions")) {
            directory.setPermissions(tenant, app, AdminJson.permissions(body));
        }
        if (body.has("redirectUris")) {
            directory.setRedirectUris(tenant, app, AdminJson.strings(body, "redirectUris"));
        }
        ObjectNode after = AdminJson.app(directory.app(tenant, app).orElseThrow(() -> DirectoryException.notFound("App " + app)));
        Map<String, String> changed = AuditDiff.of(before, after);
        if (!changed.isEmpty()) {
            record(ctx, tenant, AuditAction.APP_UPDATED, app.value(), changed);
        }
        ok(ctx, 200, after);
    }

    private void deleteApp(Context ctx) {
        if (!directory.deleteApp(tenant(ctx), app(ctx))) {
            throw DirectoryException.notFound("App " + ctx.pathParam("appId"));
        }
        record(ctx, tenant(ctx), AuditAction.APP_DELETED, app(ctx).value(), Map.of());
        ctx.status(204);
    }

    private void listSecrets(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        directory.clientSecrets(tenant(ctx), app(ctx)).forEach(s -> a.add(AdminJson.secret(s)));
        ok(ctx, 200, list(a));
    }

    private void addSecret(Context ctx) {
        JsonNode body = ctx.body().isBlank() ? AdminJson.JSON.createObjectNode() : body(ctx);
        Duration lifetime = null;
        if (body.has("lifetimeDays")) {
            if (!body.get("lifetimeDays").canConvertToInt()) {
                throw DirectoryException.invalid("lifetimeDays", "'lifetimeDays' must be a whole number of days.");
            }
            lifetime = Duration.ofDays(body.get("lifetimeDays").asInt());
        }
        ctx.header("Cache-Control", "no-store");
        var secret = directory.addClientSecret(tenant(ctx), app(ctx), lifetime);
        // the key id and expiry only: the secret text is shown once, to the caller, and stored nowhere
        record(ctx, tenant(ctx), AuditAction.CLIENT_SECRET_CREATED, app(ctx).value(),
                Map.of("keyId", secret.id(), "endDateTime", secret.expiresAt().toString()));
        ok(ctx, 201, AdminJson.newSecret(secret));
    }

    private void deleteSecret(Context ctx) {
        if (!directory.deleteClientSecret(tenant(ctx), app(ctx), ctx.pathParam("keyId"))) {
            throw DirectoryException.notFound("Secret " + ctx.pathParam("keyId"));
        }
        record(ctx, tenant(ctx), AuditAction.CLIENT_SECRET_DELETED, app(ctx).value(), Map.of("keyId", ctx.pathParam("keyId")));
        ctx.status(204);
    }

    // ---- access policies

    private void listAccessPolicies(Context ctx) {
        TenantId tenant = tenant(ctx);
        ObjectNode out = AdminJson.JSON.createObjectNode();
        ObjectNode policies = out.putObject("policies");
        directory.accessPolicies(tenant).forEach((name, apps) -> {
            ArrayNode a = policies.putArray(name);
            apps.forEach(app -> a.add(app.value()));
        });
        ObjectNode grants = out.putObject("grants");
        directory.accessPolicyGrants(tenant).forEach(grants::put);
        ok(ctx, 200, out);
    }

    private void setAccessPolicy(Context ctx) {
        Set<ClientId> apps = new LinkedHashSet<>();
        for (String s : AdminJson.strings(body(ctx), "appIds")) {
            apps.add(ClientId.parse(s).orElseThrow(() -> DirectoryException.invalid("appIds", "'" + s + "' is not an app id.")));
        }
        TenantId tenant = tenant(ctx);
        String before = String.valueOf(directory.accessPolicies(tenant).getOrDefault(ctx.pathParam("name"), Set.of()));
        directory.setAccessPolicy(tenant, ctx.pathParam("name"), apps);
        record(ctx, tenant, AuditAction.ACCESS_POLICY_SET, ctx.pathParam("name"), Map.of("appIds", before + " -> " + apps));
        listAccessPolicies(ctx);
    }

    /** {@code PUT …/access-policy-grants/{memberId or *}} with {@code {"policy": name | null}}. */
    private void grantAccessPolicy(Context ctx) {
        String who = ctx.pathParam("memberOrTenant");
        Optional<MemberId> member = who.equals(DirectoryStore.WHOLE_TENANT) ? Optional.empty()
                : Optional.of(MemberId.parse(who).orElseThrow(() -> DirectoryException.invalid("memberId", "'" + who + "' is not a member id or *.")));
        TenantId tenant = tenant(ctx);
        Optional<String> policy = Optional.ofNullable(AdminJson.text(body(ctx), "policy"));
        String before = directory.accessPolicyGrants(tenant).getOrDefault(who, "(none)");
        directory.grantAccessPolicy(tenant, member, policy);
        record(ctx, tenant, AuditAction.ACCESS_POLICY_GRANTED, who, Map.of("policy", before + " -> " + policy.orElse("(none)")));
        listAccessPolicies(ctx);
    }

    // ---- meeting policies

    private void getTenantMeetingPolicy(Context ctx) {
        ok(ctx, 200, AdminJson.meetingPolicy(directory.tenantMeetingPolicy(tenant(ctx))));
    }

    private void setTenantMeetingPolicy(Context ctx) {
        TenantId tenant = tenant(ctx);
        var before = directory.tenantMeetingPolicy(tenant);
        var after = AdminJson.meetingPolicy(body(ctx), before);
        directory.setTenantMeetingPolicy(tenant, after);
        record(ctx, tenant, AuditAction.MEETING_POLICY_CHANGED, "tenant", AuditDiff.of(AdminJson.meetingPolicy(before), AdminJson.meetingPolicy(after)));
        getTenantMeetingPolicy(ctx);
    }

    private void getOrganizerMeetingPolicy(Context ctx) {
        TenantId tenant = tenant(ctx);
        MemberId member = member(ctx);
        ObjectNode out = AdminJson.JSON.createObjectNode();
        out.put("overridden", directory.organizerMeetingPolicy(tenant, member).isPresent());
        out.set("effective", AdminJson.meetingPolicy(directory.effectiveMeetingPolicy(tenant, member)));
        ok(ctx, 200, out);
    }

    private void setOrganizerMeetingPolicy(Context ctx) {
        TenantId tenant = tenant(ctx);
        MemberId member = member(ctx);
        var before = directory.effectiveMeetingPolicy(tenant, member);
        var after = AdminJson.meetingPolicy(body(ctx), before);
        directory.setOrganizerMeetingPolicy(tenant, member, Optional.of(after));
        record(ctx, tenant, AuditAction.MEETING_POLICY_CHANGED, member.value(),
                AuditDiff.of(AdminJson.meetingPolicy(before), AdminJson.meetingPolicy(after)));
        getOrganizerMeetingPolicy(ctx);
    }

    private void clearOrganizerMeetingPolicy(Context ctx) {
        directory.setOrganizerMeetingPolicy(tenant(ctx), member(ctx), Optional.empty());
        record(ctx, tenant(ctx), AuditAction.MEETING_POLICY_CLEARED, member(ctx).value(), Map.of());
        ctx.status(204);
    }

    // ---- audit log

    /**
     * {@code GET /admin/v1/audit?since=&until=&action=&actor=&tenant=&limit=&cursor=&format=json|jsonl}:
     * stored events oldest first, one page of at most {@code limit} (default 100, at most 1000). JSON
     * answers {@code {"value": [...], "nextCursor": "..."}} (no nextCursor on the last page); jsonl
     * answers one event per line and the next cursor in the {@code Porta-Next-Cursor} header.
     */
    private void readAudit(Context ctx) {
        if (!audit.isOn()) {
            throw DirectoryException.notFound("The audit log");
        }
        AuditQuery asked = AuditParams.query(ctx::queryParam);
        // a member reads its own tenant's events only (AdminAccess refused another tenant already)
        Optional<TenantId> own = caller(ctx).member().map(Principal.Member::tenant);
        AuditQuery q = own.isEmpty() ? asked : new AuditQuery(asked.since(), asked.until(), asked.action(), asked.actor(), own,
                asked.afterId(), asked.limit());
        String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
        if (!format.equals("json") && !format.equals("jsonl")) {
            throw DirectoryException.invalid("format", "'format' must be json or jsonl.");
        }
        // one more than asked tells whether there is a next page
        List<AuditEvent> events = audit.find(new AuditQuery(q.since(), q.until(), q.action(), q.actor(), q.tenant(), q.afterId(),
                Math.min(q.limit() + 1, AuditQuery.MAX_LIMIT + 1)));
        boolean more = events.size() > q.limit();
        List<AuditEvent> page = more ? events.subList(0, q.limit()) : events;
        String next = more ? Long.toString(page.getLast().id()) : null;
        ctx.header("Cache-Control", "no-store");
        if (format.equals("jsonl")) {
            StringBuilder b = new StringBuilder();
            page.forEach(e -> b.append(e.toJson()).append('\n'));
            if (next != null) {
                ctx.header("Porta-Next-Cursor", next);
            }
            ctx.status(200).contentType("application/jsonl; charset=utf-8").result(b.toString());
            return;
        }
        ArrayNode a = AdminJson.JSON.createArrayNode();
        page.forEach(e -> a.add(e.toJson()));
        ObjectNode out = list(a);
        if (next != null) {
            out.put("nextCursor", next);
        }
        ok(ctx, 200, out);
    }

    void record(Context ctx, TenantId tenant, AuditAction action, String target, Map<String, String> details) {
        audit.record(tenant, caller(ctx).actor(), action, target, ctx.ip(), details);
    }

    // ---- helpers

    private static final String CALLER = "porta.admin.caller";

    private static AdminAccess.Caller caller(Context ctx) {
        AdminAccess.Caller c = ctx.attribute(CALLER);
        return c == null ? AdminAccess.Caller.KEY : c;
    }

    TenantId tenant(Context ctx) {
        TenantId t = TenantId.parse(ctx.pathParam("tenant")).orElseThrow(() -> DirectoryException.notFound("Tenant " + clip(ctx.pathParam("tenant"))));
        directory.tenant(t).orElseThrow(() -> DirectoryException.notFound("Tenant " + t));
        return t;
    }

    private static MemberId member(Context ctx) {
        return MemberId.parse(ctx.pathParam("memberId")).orElseThrow(() -> DirectoryException.notFound("Member " + clip(ctx.pathParam("memberId"))));
    }

    private static ClientId app(Context ctx) {
        return ClientId.parse(ctx.pathParam("appId")).orElseThrow(() -> DirectoryException.notFound("App " + clip(ctx.pathParam("appId"))));
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode n = AdminJson.JSON.readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw DirectoryException.invalid("body", "The request body must be a JSON object.");
            }
            return n;
        } catch (java.io.IOException e) {
            throw DirectoryException.invalid("body", "The request body is not valid JSON.");
        }
    }

    static ObjectNode list(ArrayNode values) {
        ObjectNode o = AdminJson.JSON.createObjectNode();
        o.set("value", values);
        return o;
    }

    static void ok(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    private static void error(Context ctx, int status, String code, String message) {
        ObjectNode body = AdminJson.JSON.createObjectNode();
        ObjectNode e = body.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
