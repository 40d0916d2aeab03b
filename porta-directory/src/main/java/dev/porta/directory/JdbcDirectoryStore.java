// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import dev.porta.common.Database;
import dev.porta.common.SealedColumn;
import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@link DirectoryStore} on H2 or PostgreSQL; the schema is in {@code db/directory}. The token
 * issuer's private signing keys are stored sealed by {@link SecretBox}; opening the store seals what
 * an older version stored in the clear (or under an earlier master key) and fails when a stored key
 * does not open. Passwords and client secrets are Argon2id hashes, never stored reversibly.
 */
public final class JdbcDirectoryStore implements DirectoryStore {
    private static final SealedColumn SIGNING_KEY = new SealedColumn("directory_signing_key", "key_id", "private_jwk");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcDirectoryStore.class);

    private final Sql sql;
    private final SecretBox secrets;

    public JdbcDirectoryStore(Database db, SecretBox secrets) {
        db.migrate("directory");
        this.sql = new Sql(db);
        this.secrets = secrets;
        int sealed = SIGNING_KEY.reseal(sql, secrets);
        if (sealed > 0) {
            LOG.info("Sealed {} stored directory signing keys with master key {}", sealed, secrets.currentKeyId());
        }
    }

    // ---- refresh tokens

    @Override
    public void saveRefreshToken(RefreshTokenRecord t) {
        sql.update("INSERT INTO directory_refresh_token (token_hash, family_id, tenant_id, member_id, client_id, scopes, audience, "
                        + "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                t.tokenHash(), t.familyId(), t.tenant().value(), t.member().value(), t.client().value(),
                String.join(" ", new java.util.TreeSet<>(t.scopes())), t.audience(), t.issuedAt(), t.expiresAt());
    }

    @Override
    public Optional<RefreshTokenRecord> findRefreshToken(String tokenHash) {
        return sql.one("SELECT * FROM directory_refresh_token WHERE token_hash = ?", JdbcDirectoryStore::refreshToken, tokenHash);
    }

    @Override
    public boolean markRefreshTokenUsed(String tokenHash, java.time.Instant at) {
        return sql.update("UPDATE directory_refresh_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL",
                at, tokenHash) == 1;
    }

    @Override
    public int revokeRefreshTokenFamily(String familyId, java.time.Instant at) {
        return sql.update("UPDATE directory_refresh_token SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", at, familyId);
    }

    @Override
    public int revokeRefreshTokens(MemberId member, java.time.Instant at) {
        return sql.update("UPDATE directory_refresh_token SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL", at, member.value());
    }

    @Override
    public int purgeExpiredRefreshTokens(java.time.Instant now) {
        return sql.update("DELETE FROM directory_refresh_token WHERE expires_at < ?", now);
    }

    @Override
    public Set<MemberRole> roles(TenantId tenant, MemberId member) {
        Set<MemberRole> out = java.util.EnumSet.noneOf(MemberRole.class);
        // an unknown name (a newer version's role) is skipped, never widened into another role
        sql.list("SELECT role FROM directory_member_role WHERE tenant_id = ? AND member_id = ?",
                rs -> MemberRole.parse(rs.getString(1)), tenant.value(), member.value()).forEach(r -> r.ifPresent(out::add));
        return out;
    }

    @Override
    public boolean grantRole(TenantId tenant, MemberId member, MemberRole role) {
        return sql.transaction(c -> {
            if (!Sql.list(c, "SELECT role FROM directory_member_role WHERE member_id = ? AND role = ?",
                    rs -> rs.getString(1), member.value(), role.wireName()).isEmpty()) {
                return false;
            }
            Sql.update(c, "INSERT INTO directory_member_role (tenant_id, member_id, role) VALUES (?, ?, ?)",
                    tenant.value(), member.value(), role.wireName());
            return true;
        });
    }

    @Override
    public boolean revokeRole(TenantId tenant, MemberId member, MemberRole role) {
        return sql.update("DELETE FROM directory_member_role WHERE tenant_id = ? AND member_id = ? AND role = ?",
                tenant.value(), member.value(), role.wireName()) == 1;
    }

    private static RefreshTokenRecord refreshToken(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        return new RefreshTokenRecord(rs.getString("token_hash"), rs.getString("family_id"), new TenantId(rs.getString("tenant_id")),
                new MemberId(rs.getString("member_id")), new ClientId(rs.getString("client_id")),
                scopes.isBlank() ? Set.of() : Set.of(scopes.split(" ")), rs.getString("audience"),
                Sql.instant(rs, "issued_at").orElseThrow(), Sql.instant(rs, "expires_at").orElseThrow(),
                Sql.instant(rs, "used_at"), Sql.instant(rs, "revoked_at"));
    }

    @Override
    public void createTenant(Tenant t) {
        sql.update("INSERT INTO directory_tenant (id, display_name, created_at) VALUES (?, ?, ?)",
                t.id().value(), t.displayName(), t.createdAt());
    }

    @Override
    public Optional<Tenant> findTenant(TenantId id) {
        return sql.one("SELECT * FROM directory_tenant WHERE id = ?", JdbcDirectoryStore::tenant, id.value());
    }

    @Override
    public List<Tenant> tenants() {
        return sql.list("SELECT * FROM directory_tenant ORDER BY created_at, id", JdbcDirectoryStore::tenant);
    }

    @Override
    public void createMember(Member m) {
        sql.update("INSERT INTO directory_member (id, tenant_id, upn, display_name, password_hash, enabled, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                m.id().value(), m.tenantId().value(), m.userPrincipalName(), m.displayName(), m.passwordHash(),
                m.enabled(), m.createdAt());
    }

    @Override
    public Optional<Member> findMember(TenantId tenant, MemberId id) {
        return sql.one("SELECT * FROM directory_member WHERE tenant_id = ? AND id = ?", JdbcDirectoryStore::member,
                tenant.value(), id.value());
    }

    @Override
    public Optional<Member> findMemberInAnyTenant(MemberId id) {
        return sql.one("SELECT * FROM directory_member WHERE id = ?", JdbcDirectoryStore::member, id.value());
    }

    @Override
    public Optional<Member> findMemberByUpn(TenantId tenant, String upn) {
        return sql.one("SELECT * FROM directory_member WHERE tenant_id = ? AND upn = ?", JdbcDirectoryStore::member,
                tenant.value(), upn);
    }

    @Override
    public List<Member> members(TenantId tenant) {
        return sql.list("SELECT * FROM directory_member WHERE tenant_id = ? ORDER BY upn", JdbcDirectoryStore::member,
                tenant.value());
    }

    @Override
    public boolean updateMember(Member m) {
        return sql.update("UPDATE directory_member SET upn = ?, display_name = ?, password_hash = ?, enabled = ? "
                        + "WHERE tenant_id = ? AND id = ?",
                m.userPrincipalName(), m.displayName(), m.passwordHash(), m.enabled(), m.tenantId().value(), m.id().value()) == 1;
    }

    @Override
    public boolean deleteMember(TenantId tenant, MemberId id) {
        return sql.transaction(c -> {
            Sql.update(c, "DELETE FROM directory_access_policy_grant WHERE tenant_id = ? AND member_id = ?", tenant.value(), id.value());
            Sql.update(c, "DELETE FROM directory_meeting_policy WHERE tenant_id = ? AND member_id = ?", tenant.value(), id.value());
            Sql.update(c, "DELETE FROM directory_refresh_token WHERE tenant_id = ? AND member_id = ?", tenant.value(), id.value());
            Sql.update(c, "DELETE FROM directory_member_role WHERE tenant_id = ? AND member_id = ?", tenant.value(), id.value());
            return Sql.update(c, "DELETE FROM directory_member WHERE tenant_id = ? AND id = ?", tenant.value(), id.value()) == 1;
        });
    }

    @Override
    public void createApp(AppRegistration a) {
        sql.update("INSERT INTO directory_app (client_id, tenant_id, object_id, display_name, permissions, redirect_uris, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                a.clientId().value(), a.tenantId().value(), a.objectId(), a.displayName(), permissions(a.permissions()),
                String.join(" ", a.redirectUris()), a.createdAt());
    }

    @Override
    public Optional<AppRegistration> findApp(TenantId tenant, ClientId id) {
        return sql.one("SELECT * FROM directory_app WHERE tenant_id = ? AND client_id = ?", JdbcDirectoryStore::app,
                tenant.value(), id.value());
    }

    @Override
    public List<AppRegistration> apps(TenantId tenant) {
        return sql.list("SELECT * FROM directory_app WHERE tenant_id = ? ORDER BY created_at, client_id",
                JdbcDirectoryStore::app, tenant.value());
    }

    @Override
    public boolean updateApp(AppRegistration a) {
        return sql.update("UPDATE directory_app SET display_name = ?, permissions = ?, redirect_uris = ? WHERE tenant_id = ? AND client_id = ?",
                a.displayName(), permissions(a.permissions()), String.join(" ", a.redirectUris()),
                a.tenantId().value(), a.clientId().value()) == 1;
    }

    @Override
    public boolean deleteApp(TenantId tenant, ClientId id) {
        return sql.transaction(c -> {
            Sql.update(c, "DELETE FROM directory_access_policy_app WHERE tenant_id = ? AND client_id = ?", tenant.value(), id.value());
            return Sql.update(c, "DELETE FROM directory_app WHERE tenant_id = ? AND client_id = ?", tenant.value(), id.value()) == 1;
        });
    }

    @Override
    public void addSecret(ClientSecret s) {
        sql.update("INSERT INTO directory_app_secret (id, client_id, secret_hash, hint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                s.id(), s.clientId().value(), s.hash(), s.hint(), s.createdAt(), s.expiresAt());
    }

    @Override
    public List<ClientSecret> secrets(ClientId app) {
        return sql.list("SELECT * FROM directory_app_secret WHERE client_id = ? ORDER BY created_at, id", rs -> new ClientSecret(
                rs.getString("id"), new ClientId(rs.getString("client_id")), rs.getString("secret_hash"), rs.getString("hint"),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "expires_at").orElseThrow()), app.value());
    }

    @Override
    public boolean deleteSecret(ClientId app, String secretId) {
        return sql.update("DELETE FROM directory_app_secret WHERE client_id = ? AND id = ?", app.value(), secretId) == 1;
    }

    @Override
    public void setAccessPolicy(TenantId tenant, String name, Set<ClientId> apps) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM directory_access_policy_app WHERE tenant_id = ? AND policy_name = ?", tenant.value(), name);
            for (ClientId app : apps) {
                Sql.update(c, "INSERT INTO directory_access_policy_app (tenant_id, policy_name, client_id) VALUES (?, ?, ?)",
                        tenant.value(), name, app.value());
            }
            return null;
        });
    }

    @Override
    public Map<String, Set<ClientId>> accessPolicies(TenantId tenant) {
        Map<String, Set<ClientId>> out = new LinkedHashMap<>();
        sql.list("SELECT policy_name, client_id FROM directory_access_policy_app WHERE tenant_id = ? ORDER BY policy_name, client_id",
                rs -> out.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(new ClientId(rs.getString(2))),
                tenant.value());
        return out;
    }

    @Override
    public void grantAccessPolicy(TenantId tenant, String member, Optional<String> policyName) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM directory_access_policy_grant WHERE tenant_id = ? AND member_id = ?", tenant.value(), member);
            if (policyName.isPresent()) {
                Sql.update(c, "INSERT INTO directory_access_policy_grant (tenant_id, member_id, policy_name) VALUES (?, ?, ?)",
                        tenant.value(), member, policyName.get());
            }
            return null;
        });
    }

    @Override
    public Optional<String> grantedAccessPolicy(TenantId tenant, String member) {
        return sql.one("SELECT policy_name FROM directory_access_policy_grant WHERE tenant_id = ? AND member_id = ?",
                rs -> rs.getString(1), tenant.value(), member);
    }

    @Override
    public Map<String, String> accessPolicyGrants(TenantId tenant) {
        Map<String, String> out = new LinkedHashMap<>();
        sql.list("SELECT member_id, policy_name FROM directory_access_policy_grant WHERE tenant_id = ? ORDER BY member_id",
                rs -> out.put(rs.getString(1), rs.getString(2)), tenant.value());
        return out;
    }

    @Override
    public void setMeetingPolicy(TenantId tenant, String member, Optional<MeetingPolicy> policy) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM directory_meeting_policy WHERE tenant_id = ? AND member_id = ?", tenant.value(), member);
            if (policy.isPresent()) {
                MeetingPolicy p = policy.get();
                Sql.update(c, "INSERT INTO directory_meeting_policy (tenant_id, member_id, allow_anonymous_join, lobby_bypass_scopes, "
                                + "guest_capabilities) VALUES (?, ?, ?, ?, ?)", tenant.value(), member, p.allowAnonymousJoin(),
                        join(p.allowedLobbyBypassScopes(), LobbyBypassScope::wire), join(p.guestCapabilities(), GuestCapability::wire));
            }
            return null;
        });
    }

    @Override
    public Optional<MeetingPolicy> meetingPolicy(TenantId tenant, String member) {
        return sql.one("SELECT * FROM directory_meeting_policy WHERE tenant_id = ? AND member_id = ?", rs -> new MeetingPolicy(
                rs.getBoolean("allow_anonymous_join"),
                split(rs.getString("lobby_bypass_scopes"), LobbyBypassScope.class, s -> LobbyBypassScope.fromWire(s)),
                split(rs.getString("guest_capabilities"), GuestCapability.class, s -> GuestCapability.fromWire(s))),
                tenant.value(), member);
    }

    @Override
    public List<SigningKeyRing.StoredKey> signingKeys() {
        return sql.list("SELECT * FROM directory_signing_key ORDER BY created_at, key_id", rs -> new SigningKeyRing.StoredKey(
                rs.getString("key_id"), secrets.open(rs.getString("private_jwk"), SIGNING_KEY.context(rs.getString("key_id"))),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "retired_at")));
    }

    @Override
    public void saveSigningKey(SigningKeyRing.StoredKey key) {
        int updated = sql.update("UPDATE directory_signing_key SET retired_at = ? WHERE key_id = ?", key.retiredAt(), key.keyId());
        if (updated == 0) {
            sql.update("INSERT INTO directory_signing_key (key_id, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?)",
                    key.keyId(), secrets.seal(key.privateJwk(), SIGNING_KEY.context(key.keyId())), key.createdAt(), key.retiredAt());
        }
    }

    private static Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(new TenantId(rs.getString("id")), rs.getString("display_name"), Sql.instant(rs, "created_at").orElseThrow());
    }

    private static Member member(ResultSet rs) throws SQLException {
        return new Member(new MemberId(rs.getString("id")), new TenantId(rs.getString("tenant_id")), rs.getString("upn"),
                rs.getString("display_name"), rs.getString("password_hash"), rs.getBoolean("enabled"),
                Sql.instant(rs, "created_at").orElseThrow());
    }

    private static AppRegistration app(ResultSet rs) throws SQLException {
        String uris = rs.getString("redirect_uris");
        return new AppRegistration(new ClientId(rs.getString("client_id")), new TenantId(rs.getString("tenant_id")),
                rs.getString("object_id"), rs.getString("display_name"),
                split(rs.getString("permissions"), AppPermission.class, AppPermission::fromWire),
                uris.isBlank() ? List.of() : List.of(uris.split(" ")), Sql.instant(rs, "created_at").orElseThrow());
    }

    private static String permissions(Set<AppPermission> permissions) {
        return join(permissions, AppPermission::wire);
    }

    private static <E extends Enum<E>> String join(Set<E> values, Function<E, String> wire) {
        return values.stream().sorted().map(wire).collect(Collectors.joining(","));
    }

    /** Reads a stored list; a value a later version removed is skipped rather than failing the read. */
    private static <E extends Enum<E>> Set<E> split(String text, Class<E> type, Function<String, Optional<E>> parse) {
        Set<E> out = EnumSet.noneOf(type);
        if (text != null && !text.isBlank()) {
            Arrays.stream(text.split(",")).map(parse).flatMap(Optional::stream).forEach(out::add);
        }
        return out;
    }
}
