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
import dev.porta.directory.TenantId;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin REST API under {@code /admin/v1}: tenants, members, app registrations and their secrets,
 * application access policies, meeting policies. Authenticated with the configured admin key as a
 * bearer token (off when none is configured); failed attempts are rate-limited per address.
 */
public final class AdminRoutes {
    private static final String T = "/admin/v1/tenants/{tenant}";

    private final Directory directory;
    private final BearerSecret adminKey;

    public AdminRoutes(Directory directory, String adminKey, RateLimiter failures) {
        this.directory = directory;
        this.adminKey = new BearerSecret(adminKey, failures, "admin:");
    }

    public void register(JavalinDefaultRoutingApi r) {
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
    }

    @FunctionalInterface
    private interface Operation {
        void handle(Context ctx);
    }

    private void admin(Context ctx, Operation op) {
        if (!adminKey.isSet()) {
            error(ctx, 404, "NotFound", "The admin API is off; set directory.admin-key to turn it on.");
            return;
        }
        switch (adminKey.check(ctx.header("Authorization"), ctx.ip())) {
            case THROTTLED -> {
                ctx.header("Retry-After", Long.toString(adminKey.retryAfterSeconds(ctx.ip())));
                error(ctx, 429, "TooManyRequests", "Too many requests with a wrong admin key; try again later.");
                return;
            }
            case REFUSED -> {
                error(ctx, 401, "Unauthorized", "A valid admin key is required (Authorization: Bearer <directory.admin-key>).");
                return;
            }
            case ACCEPTED -> { }
        }
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

    // ---- tenants and members

    private void listTenants(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        directory.tenants().forEach(t -> a.add(AdminJson.tenant(t)));
        ok(ctx, 200, list(a));
    }

    private void createTenant(Context ctx) {
        JsonNode body = body(ctx);
        String id = AdminJson.text(body, "id");
        TenantId tenant = id == null ? TenantId.random()
                : TenantId.parse(id).orElseThrow(() -> DirectoryException.invalid("id", "'id' must be a UUID."));
        ok(ctx, 201, AdminJson.tenant(directory.createTenant(tenant, AdminJson.text(body, "displayName"))));
    }

    private void listMembers(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        directory.members(tenant(ctx)).forEach(m -> a.add(AdminJson.member(m)));
        ok(ctx, 200, list(a));
    }

    private void addMember(Context ctx) {
        JsonNode body = body(ctx);
        ok(ctx, 201, AdminJson.member(directory.addMember(tenant(ctx), AdminJson.text(body, "userPrincipalName"),
                AdminJson.text(body, "displayName"), AdminJson.text(body, "password"))));
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
        ok(ctx, 200, AdminJson.member(directory.updateMember(tenant(ctx), member(ctx), AdminJson.text(body, "displayName"),
                AdminJson.text(body, "password"), enabled)));
    }

    private void deleteMember(Context ctx) {
        if (!directory.deleteMember(tenant(ctx), member(ctx))) {
            throw DirectoryException.notFound("Member " + ctx.pathParam("memberId"));
        }
        ctx.status(204);
    }

    private void revokeSignInSessions(Context ctx) {
        int revoked = directory.revokeSignInSessions(tenant(ctx), member(ctx));
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
        ok(ctx, 201, AdminJson.app(directory.registerApp(tenant(ctx), AdminJson.text(body, "displayName"),
                AdminJson.permissions(body), AdminJson.strings(body, "redirectUris"))));
    }

    private void updateApp(Context ctx) {
        JsonNode body = body(ctx);
        TenantId tenant = tenant(ctx);
        ClientId app = app(ctx);
        if (body.has("permissions")) {
            directory.setPermissions(tenant, app, AdminJson.permissions(body));
        }
        if (body.has("redirectUris")) {
            directory.setRedirectUris(tenant, app, AdminJson.strings(body, "redirectUris"));
        }
        ok(ctx, 200, AdminJson.app(directory.app(tenant, app).orElseThrow(() -> DirectoryException.notFound("App " + app))));
    }

    private void deleteApp(Context ctx) {
        if (!directory.deleteApp(tenant(ctx), app(ctx))) {
            throw DirectoryException.notFound("App " + ctx.pathParam("appId"));
        }
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
        ok(ctx, 201, AdminJson.newSecret(directory.addClientSecret(tenant(ctx), app(ctx), lifetime)));
    }

    private void deleteSecret(Context ctx) {
        if (!directory.deleteClientSecret(tenant(ctx), app(ctx), ctx.pathParam("keyId"))) {
            throw DirectoryException.notFound("Secret " + ctx.pathParam("keyId"));
        }
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
        directory.setAccessPolicy(tenant(ctx), ctx.pathParam("name"), apps);
        listAccessPolicies(ctx);
    }

    /** {@code PUT …/access-policy-grants/{memberId or *}} with {@code {"policy": name | null}}. */
    private void grantAccessPolicy(Context ctx) {
        String who = ctx.pathParam("memberOrTenant");
        Optional<MemberId> member = who.equals(DirectoryStore.WHOLE_TENANT) ? Optional.empty()
                : Optional.of(MemberId.parse(who).orElseThrow(() -> DirectoryException.invalid("memberId", "'" + who + "' is not a member id or *.")));
        directory.grantAccessPolicy(tenant(ctx), member, Optional.ofNullable(AdminJson.text(body(ctx), "policy")));
        listAccessPolicies(ctx);
    }

    // ---- meeting policies

    private void getTenantMeetingPolicy(Context ctx) {
        ok(ctx, 200, AdminJson.meetingPolicy(directory.tenantMeetingPolicy(tenant(ctx))));
    }

    private void setTenantMeetingPolicy(Context ctx) {
        TenantId tenant = tenant(ctx);
        directory.setTenantMeetingPolicy(tenant, AdminJson.meetingPolicy(body(ctx), directory.tenantMeetingPolicy(tenant)));
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
        directory.setOrganizerMeetingPolicy(tenant, member,
                Optional.of(AdminJson.meetingPolicy(body(ctx), directory.effectiveMeetingPolicy(tenant, member))));
        getOrganizerMeetingPolicy(ctx);
    }

    private void clearOrganizerMeetingPolicy(Context ctx) {
        directory.setOrganizerMeetingPolicy(tenant(ctx), member(ctx), Optional.empty());
        ctx.status(204);
    }

    // ---- helpers

    private TenantId tenant(Context ctx) {
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

    private static ObjectNode list(ArrayNode values) {
        ObjectNode o = AdminJson.JSON.createObjectNode();
        o.set("value", values);
        return o;
    }

    private static void ok(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    private static void error(Context ctx, int status, String code, String message) {
        ObjectNode body = AdminJson.JSON.createObjectNode();
        ObjectNode e = body.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
