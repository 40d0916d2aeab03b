// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One stored audit event: when, in which tenant, who ({@link AuditActor}), what ({@link AuditAction}
 * on {@code target}), from which client address (as resolved through {@code http.trusted-proxies}),
 * and what changed ({@code details}, a small flat JSON object of strings).
 *
 * <p>Everything is bounded here, whatever a caller passes: the target and address are clipped, the
 * details hold at most {@value #MAX_DETAILS} entries with short keys and values clipped to
 * {@value #MAX_VALUE} characters, control characters replaced. So one event is at most a few KB, and
 * a value an attacker typed (a user name) cannot forge lines in a JSON-lines export.
 *
 * @param id sequence number, increasing in the order events were stored (0 before it is stored); the paging cursor
 */
public record AuditEvent(long id, Instant time, Optional<TenantId> tenant, AuditActor actor, AuditAction action,
                         String target, String clientAddress, Map<String, String> details) {
    public static final int MAX_DETAILS = 16;
    public static final int MAX_VALUE = 200;
    public static final int MAX_TARGET = 200;
    public static final int MAX_ADDRESS = 64;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public AuditEvent {
        java.util.Objects.requireNonNull(time);
        java.util.Objects.requireNonNull(tenant);
        java.util.Objects.requireNonNull(actor);
        java.util.Objects.requireNonNull(action);
        target = clip(target == null ? "" : target, MAX_TARGET);
        clientAddress = clip(clientAddress == null ? "" : clientAddress, MAX_ADDRESS);
        Map<String, String> bounded = new LinkedHashMap<>();
        if (details != null) {
            for (Map.Entry<String, String> e : details.entrySet()) {
                if (bounded.size() == MAX_DETAILS) {
                    bounded.put("truncated", "true"); // the 17th entry: says that more were left out
                    break;
                }
                if (e.getKey() != null && KEY.matcher(e.getKey()).matches()) {
                    bounded.put(e.getKey(), clip(e.getValue() == null ? "" : e.getValue(), MAX_VALUE));
                }
            }
        }
        details = Collections.unmodifiableMap(bounded);
    }

    /** An event to store now; its id is given by the log. */
    public static AuditEvent of(Instant time, Optional<TenantId> tenant, AuditActor actor, AuditAction action, String target,
                                String clientAddress, Map<String, String> details) {
        return new AuditEvent(0, time, tenant, actor, action, target, clientAddress, details);
    }

    /** The admin API's and the export's JSON form of this event. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", Long.toString(id));
        o.put("time", time.toString());
        if (tenant.isPresent()) {
            o.put("tenantId", tenant.get().value());
        } else {
            o.putNull("tenantId");
        }
        o.put("actor", actor.value());
        o.put("action", action.name());
        o.put("target", target);
        o.put("clientAddress", clientAddress);
        ObjectNode d = o.putObject("details");
        details.forEach(d::put);
        return o;
    }

    /** The details as stored: a JSON object of strings. */
    String detailsJson() {
        ObjectNode d = JSON.createObjectNode();
        details.forEach(d::put);
        return d.toString();
    }

    static Map<String, String> parseDetails(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JSON.readTree(json).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (java.io.IOException e) {
            out.put("unreadable", "true");
        }
        return out;
    }

    private static String clip(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.length() < s.length() ? b.append('…').toString() : b.toString();
    }
}
