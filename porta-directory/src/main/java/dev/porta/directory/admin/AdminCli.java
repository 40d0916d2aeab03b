// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.AppPermission;
import dev.porta.directory.ClientId;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.directory.audit.Audit;
import dev.porta.directory.audit.AuditAction;
import dev.porta.directory.audit.AuditActor;
import dev.porta.directory.audit.AuditEvent;
import dev.porta.directory.audit.AuditQuery;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The directory's {@code porta admin} subcommands, for the server's CLI to delegate to. Output is the
 * admin REST API's JSON ({@code --json}) or the same, indented; errors are {@link DirectoryException}s
 * whose message the CLI prints.
 *
 * <pre>
 * tenants | tenant-create --name N [--id UUID]
 * members --tenant T | member-add --tenant T --upn U --name N --password-stdin
 * member-update --tenant T --member M [--name N] [--password-stdin] [--enabled true|false] | member-delete --tenant T --member M
 * member-revoke-sessions --tenant T --member M
 * apps --tenant T | app-register --tenant T --name N [--permissions P,…] [--redirect-uris U,…]
 * app-permissions --tenant T --app A --permissions P,… | app-delete --tenant T --app A
 * secret-add --tenant T --app A [--days D] | secrets --tenant T --app A | secret-delete --tenant T --app A --key K
 * access-policies --tenant T | access-policy-set --tenant T --name N --apps A,…
 * access-policy-grant --tenant T --name N (--member M | --global) | access-policy-revoke --tenant T (--member M | --global)
 * meeting-policy --tenant T [--member M]
 * meeting-policy-set --tenant T [--member M] [--allow-anonymous-join B] [--lobby-bypass-scopes S,…] [--guest cap=B,…]
 * meeting-policy-clear --tenant T --member M
 * roles --tenant T --member M | role-grant --tenant T --member M --role R | role-revoke --tenant T --member M --role R
 * </pre>
 */
public final class AdminCli {
    /** The subcommands this class answers; the CLI routes these words here. */
    /** Every directory subcommand and its options, for {@code porta admin directory-help}. */
    public static final String USAGE = """
            porta admin tenants | tenant-create --name N [--id UUID]
            porta admin members --tenant T | member-add --tenant T --upn U --name N --password-stdin
            porta admin member-update --tenant T --member M [--name N] [--password-stdin] [--enabled true|false]
            porta admin member-delete --tenant T --member M
            porta admin member-revoke-sessions --tenant T --member M   (revokes the member's refresh tokens)
            porta admin apps --tenant T | app-register --tenant T --name N [--permissions P,...] [--redirect-uris U,...]
            porta admin app-permissions --tenant T --app A --permissions P,... | app-delete --tenant T --app A
            porta admin secret-add --tenant T --app A [--days D] | secrets --tenant T --app A
            porta admin secret-delete --tenant T --app A --key K
            porta admin access-policies --tenant T | access-policy-set --tenant T --name N --apps A,...
            porta admin access-policy-grant --tenant T --name N (--member M | --global)
            porta admin access-policy-revoke --tenant T (--member M | --global)
            porta admin meeting-policy --tenant T [--member M]
            porta admin meeting-policy-set --tenant T [--member M] [--allow-anonymous-join B] [--lobby-bypass-scopes S,...] [--guest cap=B,...]
            porta admin meeting-policy-clear --tenant T --member M
            porta admin roles --tenant T --member M
            porta admin role-grant --tenant T --member M --role R | role-revoke --tenant T --member M --role R
                (R: tenant-admin or auditor, for signing in to the admin console at /admin/)
            porta admin audit [--since T] [--until T] [--action A] [--actor A] [--tenant T] [--limit N]
                (the audit log as JSON lines, oldest first; T is 2026-12-02T15:00:00Z or 2026-12-02)
            Add --json for machine-readable output. --password-stdin reads the password from standard input
            (typed without echo on a terminal, or piped: one line), never from the command line.
            """;

    public static final Set<String> COMMANDS = Set.of("tenants", "tenant-create", "members", "member-add", "member-update",
            "member-delete", "member-revoke-sessions", "apps", "app-register", "app-permissions", "app-delete", "secret-add", "secrets", "secret-delete",
            "access-policies", "access-policy-set", "access-policy-grant", "access-policy-revoke", "meeting-policy",
            "meeting-policy-set", "meeting-policy-clear", "audit", "roles", "role-grant", "role-revoke");

    /** The subcommands that change something, and the audit action each records. */
    private static final Map<String, AuditAction> CHANGES = Map.ofEntries(
            Map.entry("tenant-create", AuditAction.TENANT_CREATED), Map.entry("member-add", AuditAction.MEMBER_CREATED),
            Map.entry("member-delete", AuditAction.MEMBER_DELETED),
            Map.entry("member-revoke-sessions", AuditAction.MEMBER_SESSIONS_REVOKED),
            Map.entry("app-register", AuditAction.APP_REGISTERED), Map.entry("app-permissions", AuditAction.APP_UPDATED),
            Map.entry("app-delete", AuditAction.APP_DELETED), Map.entry("secret-add", AuditAction.CLIENT_SECRET_CREATED),
            Map.entry("secret-delete", AuditAction.CLIENT_SECRET_DELETED), Map.entry("access-policy-set", AuditAction.ACCESS_POLICY_SET),
            Map.entry("access-policy-grant", AuditAction.ACCESS_POLICY_GRANTED), Map.entry("access-policy-revoke", AuditAction.ACCESS_POLICY_GRANTED),
            Map.entry("meeting-policy-set", AuditAction.MEETING_POLICY_CHANGED), Map.entry("meeting-policy-clear", AuditAction.MEETING_POLICY_CLEARED),
            Map.entry("role-grant", AuditAction.MEMBER_ROLE_GRANTED), Map.entry("role-revoke", AuditAction.MEMBER_ROLE_REVOKED));
    /** Options that say nothing about the change (or, for passwords, must not be kept). */
    private static final Set<String> NOT_DETAILS = Set.of("json", "password", "password-stdin", "tenant");

    private final Directory directory;
    private final PrintStream out;
    private final Supplier<String> passwordInput;
    private Audit audit = Audit.off();
    private AuditActor actor = AuditActor.SYSTEM;

    /**
     * @param passwordInput reads a password from standard input, for {@code --password-stdin}: a password
     *                      on the command line would show in {@code ps} and in shell history
     */
    public AdminCli(Directory directory, PrintStream out, Supplier<String> passwordInput) {
        this.directory = directory;
        this.out = out;
        this.passwordInput = passwordInput;
    }

    /** Records every change made by this CLI in {@code audit} as {@code actor} (from address "local"); returns this. */
    public AdminCli withAudit(Audit audit, AuditActor actor) {
        this.audit = audit;
        this.actor = actor;
        return this;
    }

    /** Runs one subcommand; returns the exit code. */
    public int run(String command, Map<String, String> o) {
        if (command.equals("audit")) {
            return printAudit(o);
        }
        JsonNode result = switch (command) {
            case "tenants" -> list(directory.tenants().stream().map(AdminJson::tenant).toList());
            case "tenant-create" -> AdminJson.tenant(directory.createTenant(
                    o.containsKey("id") ? TenantId.parse(o.get("id")).orElseThrow(() -> DirectoryException.invalid("id", "--id must be a UUID"))
                            : TenantId.random(), required(o, "name")));
            case "members" -> list(directory.members(tenant(o)).stream().map(AdminJson::member).toList());
            case "member-add" -> AdminJson.member(directory.addMember(tenant(o), required(o, "upn"), required(o, "name"),
                    password(o).orElseThrow(() -> DirectoryException.invalid("password", "--password-stdin is required"))));
            case "member-update" -> AdminJson.member(directory.updateMember(tenant(o), member(o), o.get("name"), password(o).orElse(null),
                    o.containsKey("enabled") ? Boolean.valueOf(o.get("enabled")) : null));
            case "member-delete" -> deleted(directory.deleteMember(tenant(o), member(o)), "member");
            case "member-revoke-sessions" -> AdminJson.JSON.createObjectNode()
                    .put("revokedRefreshTokens", directory.revokeSignInSessions(tenant(o), member(o)));
            case "apps" -> list(directory.apps(tenant(o)).stream().map(AdminJson::app).toList());
            case "app-register" -> AdminJson.app(directory.registerApp(tenant(o), required(o, "name"), permissions(o), csv(o, "redirect-uris")));
            case "app-permissions" -> AdminJson.app(directory.setPermissions(tenant(o), app(o), permissions(o)));
            case "app-delete" -> deleted(directory.deleteApp(tenant(o), app(o)), "app");
            case "secret-add" -> AdminJson.newSecret(directory.addClientSecret(tenant(o), app(o),
                    o.containsKey("days") ? Duration.ofDays(Long.parseLong(o.get("days"))) : null));
            case "secrets" -> list(directory.clientSecrets(tenant(o), app(o)).stream().map(AdminJson::secret).toList());
            case "secret-delete" -> deleted(directory.deleteClientSecret(tenant(o), app(o), required(o, "key")), "secret");
            case "access-policies" -> policies(tenant(o));
            case "access-policy-set" -> {
                Set<ClientId> apps = new LinkedHashSet<>();
                csv(o, "apps").forEach(a -> apps.add(ClientId.parse(a).orElseThrow(() -> DirectoryException.invalid("apps", a + " is not an app id"))));
                directory.setAccessPolicy(tenant(o), required(o, "name"), apps);
                yield policies(tenant(o));
            }
            case "access-policy-grant" -> {
                directory.grantAccessPolicy(tenant(o), grantee(o), Optional.of(required(o, "name")));
                yield policies(tenant(o));
            }
            case "access-policy-revoke" -> {
                directory.grantAccessPolicy(tenant(o), grantee(o), Optional.empty());
                yield policies(tenant(o));
            }
            case "meeting-policy" -> o.containsKey("member")
                    ? AdminJson.meetingPolicy(directory.effectiveMeetingPolicy(tenant(o), member(o)))
                    : AdminJson.meetingPolicy(directory.tenantMeetingPolicy(tenant(o)));
            case "meeting-policy-set" -> setMeetingPolicy(o);
            case "meeting-policy-clear" -> {
                directory.setOrganizerMeetingPolicy(tenant(o), member(o), Optional.empty());
                yield AdminJson.meetingPolicy(directory.effectiveMeetingPolicy(tenant(o), member(o)));
            }
            case "roles" -> roles(o);
            case "role-grant" -> {
                directory.grantRole(tenant(o), member(o), role(o));
                yield roles(o);
            }
            case "role-revoke" -> {
                directory.revokeRole(tenant(o), member(o), role(o));
                yield roles(o);
            }
            default -> throw DirectoryException.invalid("command", "unknown directory admin command '" + command + "'");
        };
        if (command.equals("member-update")) {
            recordMemberUpdate(o);
        } else if (CHANGES.containsKey(command)) {
            recordChange(command, o, result);
        }
        try {
            out.println(o.containsKey("json") ? AdminJson.JSON.writeValueAsString(result)
                    : AdminJson.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }

    /** What the command changed, from its options (never a password) and, for a new secret, its key id. */
    private void recordChange(String command, Map<String, String> o, JsonNode result) {
        Map<String, String> details = new java.util.LinkedHashMap<>();
        o.forEach((k, v) -> {
            if (!NOT_DETAILS.contains(k)) {
                details.put(k, v);
            }
        });
        if (o.containsKey("password-stdin")) {
            details.put("password", "changed");
        }
        if (result.has("keyId")) {
            details.put("keyId", result.get("keyId").asText());
        }
        String target = firstOf(o, "member", "app", "name", "id");
        if (target == null) {
            target = result.has("id") ? result.get("id").asText() : result.path("appId").asText("");
        }
        if (command.equals("member-add") && result.has("id")) {
            target = result.get("id").asText();
        }
        Optional<TenantId> tenant = command.equals("tenant-create") ? TenantId.parse(result.path("id").asText())
                : TenantId.parse(String.valueOf(o.get("tenant")));
        audit.record(tenant, actor, CHANGES.get(command), target, "local", details);
    }

    /** As the API does: one event per kind of change, so "who disabled Adele" is one filter. */
    private void recordMemberUpdate(Map<String, String> o) {
        Optional<TenantId> tenant = TenantId.parse(o.get("tenant"));
        String member = o.get("member");
        if (o.containsKey("password-stdin")) {
            audit.record(tenant, actor, AuditAction.MEMBER_PASSWORD_RESET, member, "local", Map.of());
        }
        if (o.containsKey("enabled")) {
            audit.record(tenant, actor, Boolean.parseBoolean(o.get("enabled")) ? AuditAction.MEMBER_ENABLED : AuditAction.MEMBER_DISABLED,
                    member, "local", Map.of());
        }
        if (o.containsKey("name")) {
            audit.record(tenant, actor, AuditAction.MEMBER_UPDATED, member, "local", Map.of("displayName", o.get("name")));
        }
    }

    /** The member and the roles it holds, as the API's member list shows them. */
    private JsonNode roles(Map<String, String> o) {
        var m = directory.member(tenant(o), member(o)).orElseThrow(() -> DirectoryException.notFound("Member " + o.get("member")));
        var json = AdminJson.member(m);
        var roles = json.putArray("roles");
        directory.roles(tenant(o), member(o)).forEach(r -> roles.add(r.wireName()));
        return json;
    }

    private static dev.porta.directory.MemberRole role(Map<String, String> o) {
        return dev.porta.directory.MemberRole.parse(required(o, "role"))
                .orElseThrow(() -> DirectoryException.invalid("role", "--role must be tenant-admin or auditor"));
    }

    private static String firstOf(Map<String, String> o, String... keys) {
        for (String k : keys) {
            if (o.get(k) != null && !o.get(k).isBlank()) {
                return o.get(k);
            }
        }
        return null;
    }

    /** {@code porta admin audit}: every matching event as one JSON line, oldest first, paging through the log. */
    private int printAudit(Map<String, String> o) {
        AuditQuery q = AuditParams.query(k -> k.equals("cursor") ? null : o.get(k));
        int wanted = o.containsKey("limit") ? q.limit() : Integer.MAX_VALUE;
        int printed = 0;
        long after = 0;
        while (printed < wanted) {
            int ask = Math.min(AuditQuery.MAX_LIMIT, wanted - printed);
            List<AuditEvent> page = audit.find(new AuditQuery(q.since(), q.until(), q.action(), q.actor(), q.tenant(), after, ask));
            for (AuditEvent e : page) {
                out.println(e.toJson());
            }
            printed += page.size();
            if (page.size() < ask) {
                break;
            }
            after = page.getLast().id();
        }
        return 0;
    }

    private JsonNode setMeetingPolicy(Map<String, String> o) {
        TenantId tenant = tenant(o);
        ObjectNode body = AdminJson.JSON.createObjectNode();
        if (o.containsKey("allow-anonymous-join")) {
            body.put("allowAnonymousJoin", Boolean.parseBoolean(o.get("allow-anonymous-join")));
        }
        if (o.containsKey("lobby-bypass-scopes")) {
            ArrayNode a = body.putArray("allowedLobbyBypassScopes");
            csv(o, "lobby-bypass-scopes").forEach(a::add);
        }
        if (o.containsKey("guest")) {
            ObjectNode caps = body.putObject("guestCapabilities");
            for (String pair : csv(o, "guest")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2) {
                    throw DirectoryException.invalid("guest", "--guest takes capability=true|false pairs, e.g. raiseHand=true");
                }
                caps.put(kv[0], Boolean.parseBoolean(kv[1]));
            }
        }
        if (o.containsKey("member")) {
            MemberId m = member(o);
            directory.setOrganizerMeetingPolicy(tenant, m, Optional.of(AdminJson.meetingPolicy(body, directory.effectiveMeetingPolicy(tenant, m))));
            return AdminJson.meetingPolicy(directory.effectiveMeetingPolicy(tenant, m));
        }
        directory.setTenantMeetingPolicy(tenant, AdminJson.meetingPolicy(body, directory.tenantMeetingPolicy(tenant)));
        return AdminJson.meetingPolicy(directory.tenantMeetingPolicy(tenant));
    }

    private ObjectNode policies(TenantId tenant) {
        ObjectNode out = AdminJson.JSON.createObjectNode();
        ObjectNode policies = out.putObject("policies");
        directory.accessPolicies(tenant).forEach((name, apps) -> {
            ArrayNode a = policies.putArray(name);
            apps.forEach(app -> a.add(app.value()));
        });
        ObjectNode grants = out.putObject("grants");
        directory.accessPolicyGrants(tenant).forEach(grants::put);
        return out;
    }

    private Optional<String> password(Map<String, String> o) {
        if (o.containsKey("password")) {
            throw DirectoryException.invalid("password", "--password would put the password on the command line (visible in ps "
                    + "and shell history); use --password-stdin and type or pipe it");
        }
        if (!o.containsKey("password-stdin")) {
            return Optional.empty();
        }
        String p = passwordInput.get();
        if (p == null || p.isEmpty()) {
            throw DirectoryException.invalid("password", "--password-stdin read no password from standard input");
        }
        return Optional.of(p);
    }

    private static Optional<MemberId> grantee(Map<String, String> o) {
        if (o.containsKey("global")) {
            return Optional.empty();
        }
        return Optional.of(member(o));
    }

    private static ObjectNode list(List<? extends JsonNode> values) {
        ObjectNode o = AdminJson.JSON.createObjectNode();
        ArrayNode a = o.putArray("value");
        values.forEach(a::add);
        return o;
    }

    private static ObjectNode deleted(boolean done, String what) {
        if (!done) {
            throw DirectoryException.notFound("The " + what);
        }
        return AdminJson.JSON.createObjectNode().put("deleted", true);
    }

    private static Set<AppPermission> permissions(Map<String, String> o) {
        Set<AppPermission> out = EnumSet.noneOf(AppPermission.class);
        for (String p : csv(o, "permissions")) {
            out.add(AppPermission.fromWire(p).orElseThrow(() -> DirectoryException.invalid("permissions",
                    "unknown permission " + p + "; use OnlineMeetings.Read.All, OnlineMeetings.ReadWrite.All, OnlineMeetingArtifact.Read.All or OnlineMeetingRecording.Read.All")));
        }
        return out;
    }

    private static List<String> csv(Map<String, String> o, String key) {
        String v = o.get(key);
        return v == null || v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isBlank()) {
            throw DirectoryException.invalid(key, "--" + key + " is required");
        }
        return v;
    }

    private static TenantId tenant(Map<String, String> o) {
        return TenantId.parse(required(o, "tenant")).orElseThrow(() -> DirectoryException.invalid("tenant", "--tenant must be a tenant id (UUID)"));
    }

    private static MemberId member(Map<String, String> o) {
        return MemberId.parse(required(o, "member")).orElseThrow(() -> DirectoryException.invalid("member", "--member must be a member id (UUID)"));
    }

    private static ClientId app(Map<String, String> o) {
        return ClientId.parse(required(o, "app")).orElseThrow(() -> DirectoryException.invalid("app", "--app must be an app (client) id"));
    }
}
