// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.ClientSecret;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.Member;
import dev.porta.directory.NewClientSecret;
import dev.porta.directory.Tenant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * JSON of the admin API and of {@code porta admin --json}: one shape for both, so scripts can move
 * between them. Secrets and hashes never appear, except a new client secret's value once.
 */
public final class AdminJson {
    public static final ObjectMapper JSON = new ObjectMapper();

    private AdminJson() { }

    public static ObjectNode tenant(Tenant t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", t.id().value());
        o.put("displayName", t.displayName());
        o.put("createdDateTime", DateTimeFormatter.ISO_INSTANT.format(t.createdAt()));
        return o;
    }

    public static ObjectNode member(Member m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", m.id().value());
        o.put("userPrincipalName", m.userPrincipalName());
        o.put("displayName", m.displayName());
        o.put("accountEnabled", m.enabled());
        o.put("createdDateTime", DateTimeFormatter.ISO_INSTANT.format(m.createdAt()));
        return o;
    }

    public static ObjectNode app(AppRegistration a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("appId", a.clientId().value());
        o.put("servicePrincipalId", a.objectId());
        o.put("displayName", a.displayName());
        ArrayNode perms = o.putArray("permissions");
        a.permissions().stream().sorted().map(AppPermission::wire).forEach(perms::add);
        ArrayNode uris = o.putArray("redirectUris");
        a.redirectUris().forEach(uris::add);
        o.put("createdDateTime", DateTimeFormatter.ISO_INSTANT.format(a.createdAt()));
        return o;
    }

    public static ObjectNode secret(ClientSecret s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("keyId", s.id());
        o.put("hint", s.hint());
        o.put("startDateTime", DateTimeFormatter.ISO_INSTANT.format(s.createdAt()));
        o.put("endDateTime", DateTimeFormatter.ISO_INSTANT.format(s.expiresAt()));
        return o;
    }

    public static ObjectNode newSecret(NewClientSecret s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("keyId", s.id());
        o.put("appId", s.clientId().value());
        o.put("secretText", s.value());
        o.put("endDateTime", DateTimeFormatter.ISO_INSTANT.format(s.expiresAt()));
        return o;
    }

    public static ObjectNode meetingPolicy(MeetingPolicy p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("allowAnonymousJoin", p.allowAnonymousJoin());
        ArrayNode scopes = o.putArray("allowedLobbyBypassScopes");
        p.allowedLobbyBypassScopes().forEach(s -> scopes.add(s.wire()));
        ObjectNode caps = o.putObject("guestCapabilities");
        for (GuestCapability c : GuestCapability.values()) {
            caps.put(c.wire(), p.guestCapabilities().contains(c));
        }
        return o;
    }

    /** Reads a meeting policy; absent members keep {@code base}'s values. */
    public static MeetingPolicy meetingPolicy(JsonNode body, MeetingPolicy base) {
        boolean anonymous = base.allowAnonymousJoin();
        if (body.has("allowAnonymousJoin")) {
            if (!body.get("allowAnonymousJoin").isBoolean()) {
                throw DirectoryException.invalid("allowAnonymousJoin", "'allowAnonymousJoin' must be true or false.");
            }
            anonymous = body.get("allowAnonymousJoin").booleanValue();
        }
        Set<LobbyBypassScope> scopes = base.allowedLobbyBypassScopes();
        if (body.has("allowedLobbyBypassScopes")) {
            scopes = EnumSet.noneOf(LobbyBypassScope.class);
            for (String s : strings(body, "allowedLobbyBypassScopes")) {
                scopes.add(LobbyBypassScope.fromWire(s).orElseThrow(() -> DirectoryException.invalid("allowedLobbyBypassScopes",
                        "Unknown lobby bypass scope '" + s + "'.")));
            }
        }
        Set<GuestCapability> caps = EnumSet.noneOf(GuestCapability.class);
        caps.addAll(base.guestCapabilities());
        if (body.has("guestCapabilities")) {
            JsonNode c = body.get("guestCapabilities");
            if (!c.isObject()) {
                throw DirectoryException.invalid("guestCapabilities", "'guestCapabilities' must be an object of feature: true|false.");
            }
            for (var it = c.fields(); it.hasNext(); ) {
                var e = it.next();
                GuestCapability cap = GuestCapability.fromWire(e.getKey()).orElseThrow(() -> DirectoryException.invalid(
                        "guestCapabilities." + e.getKey(), "Unknown guest capability '" + e.getKey() + "'."));
                if (!e.getValue().isBoolean()) {
                    throw DirectoryException.invalid("guestCapabilities." + e.getKey(), "'guestCapabilities." + e.getKey() + "' must be true or false.");
                }
                if (e.getValue().booleanValue()) {
                    caps.add(cap);
                } else {
                    caps.remove(cap);
                }
            }
        }
        return new MeetingPolicy(anonymous, scopes, caps);
    }

    public static Set<AppPermission> permissions(JsonNode body) {
        Set<AppPermission> out = EnumSet.noneOf(AppPermission.class);
        for (String s : strings(body, "permissions")) {
            out.add(AppPermission.fromWire(s).orElseThrow(() -> DirectoryException.invalid("permissions",
                    "Unknown permission '" + s + "'; use OnlineMeetings.Read.All, OnlineMeetings.ReadWrite.All, OnlineMeetingArtifact.Read.All or OnlineMeetingRecording.Read.All.")));
        }
        return out;
    }

    public static List<String> strings(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() > 50) {
            throw DirectoryException.invalid(field, "'" + field + "' must be an array of at most 50 strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw DirectoryException.invalid(field, "'" + field + "' must contain strings only.");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A string member; null when absent. */
    public static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw DirectoryException.invalid(field, "'" + field + "' must be a string.");
        }
        return n.textValue();
    }
}
