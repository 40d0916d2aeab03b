// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.TenantId;
import dev.porta.directory.audit.AuditAction;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;

/**
 * The admin API's live meetings of a tenant, on the node that answers (docs/admin.md, "Live meetings"): lists
 * them with who is in each and in its lobby, ends one, removes someone. Registered by {@link AdminRoutes}, whose
 * authentication, tenant check, audit and JSON answers it uses.
 */
final class LiveMeetingRoutes {
    private final AdminRoutes admin;
    private volatile LiveMeetings live = LiveMeetings.none();

    LiveMeetingRoutes(AdminRoutes admin) {
        this.admin = admin;
    }

    void serve(LiveMeetings live) {
        this.live = live;
    }

    /** @param tenantPath the admin API's path of one tenant ({@code /admin/v1/tenants/{tenant}}) */
    void register(JavalinDefaultRoutingApi r, String tenantPath) {
        r.get(tenantPath + "/live-meetings", ctx -> admin.admin(ctx, this::list));
        r.post(tenantPath + "/live-meetings/{meetingId}/end", ctx -> admin.admin(ctx, this::end));
        r.delete(tenantPath + "/live-meetings/{meetingId}/participants/{participantId}", ctx -> admin.admin(ctx, this::remove));
    }

    private void list(Context ctx) {
        ArrayNode a = AdminJson.JSON.createArrayNode();
        for (LiveMeetings.Meeting m : live.of(admin.tenant(ctx))) {
            ObjectNode o = a.addObject().put("meetingId", m.meetingId()).put("subject", m.subject())
                    .put("organizerId", m.organizerMemberId());
            ArrayNode people = o.putArray("participants");
            m.people().forEach(p -> people.addObject().put("participantId", p.participantId())
                    .put("displayName", p.displayName()).put("role", p.role()).put("guest", p.guest()).put("inLobby", p.inLobby()));
        }
        AdminRoutes.ok(ctx, 200, AdminRoutes.list(a));
    }

    private void end(Context ctx) {
        TenantId tenant = admin.tenant(ctx);
        String meetingId = id(ctx, "meetingId");
        if (!live.end(tenant, meetingId)) {
            throw DirectoryException.notFound("Live meeting " + meetingId + " on this node");
        }
        admin.record(ctx, tenant, AuditAction.LIVE_MEETING_ENDED, meetingId, Map.of());
        ctx.status(204);
    }

    private void remove(Context ctx) {
        TenantId tenant = admin.tenant(ctx);
        String meetingId = id(ctx, "meetingId");
        String participantId = id(ctx, "participantId");
        if (!live.remove(tenant, meetingId, participantId)) {
            throw DirectoryException.notFound("Participant " + participantId + " of live meeting " + meetingId + " on this node");
        }
        admin.record(ctx, tenant, AuditAction.LIVE_PARTICIPANT_REMOVED, meetingId, Map.of("participantId", participantId));
        ctx.status(204);
    }

    /** A meeting or participant id from the path: the ids Porta makes are short and URL-safe; anything else is none. */
    private static String id(Context ctx, String name) {
        String v = ctx.pathParam(name);
        if (v.isEmpty() || v.length() > 128 || !v.chars().allMatch(ch -> ch < 128 && (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_'))) {
            throw DirectoryException.notFound((name.startsWith("meeting") ? "Live meeting " : "Participant ") + AdminRoutes.clip(v));
        }
        return v;
    }
}
