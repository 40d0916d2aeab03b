// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SigningKeyRing;

import dev.porta.common.Database;
import dev.porta.common.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link IdentityStore} on H2 or PostgreSQL; the schema is in {@code db/identity}. */
public final class JdbcIdentityStore implements IdentityStore {
    private final Sql sql;
    private final Clock clock;

    public JdbcIdentityStore(Database db, Clock clock) {
        db.migrate("identity");
        this.sql = new Sql(db);
        this.clock = clock;
    }

    @Override
    public void saveResource(CommunicationResource r) {
        sql.update("INSERT INTO identity_resource (id, tenant_id, primary_key, secondary_key, created_at) VALUES (?, ?, ?, ?, ?)",
                r.id().toString(), r.tenantId(), r.primaryKey(), r.secondaryKey(), clock.instant());
    }

    @Override
    public Optional<CommunicationResource> findResource(UUID id) {
        return sql.one("SELECT * FROM identity_resource WHERE id = ?", JdbcIdentityStore::resource, id.toString());
    }

    @Override
    public Optional<CommunicationResource> findResourceByTenant(String tenantId) {
        return sql.one("SELECT * FROM identity_resource WHERE tenant_id = ?", JdbcIdentityStore::resource, tenantId);
    }

    @Override
    public List<CommunicationResource> resources() {
        return sql.list("SELECT * FROM identity_resource ORDER BY created_at, id", JdbcIdentityStore::resource);
    }

    @Override
    public boolean replaceKey(UUID resourceId, int keyIndex, String newKey) {
        String column = switch (keyIndex) {
            case 0 -> "primary_key";
            case 1 -> "secondary_key";
            default -> throw new IllegalArgumentException("key index must be 0 or 1");
        };
        return sql.update("UPDATE identity_resource SET " + column + " = ? WHERE id = ?", newKey, resourceId.toString()) == 1;
    }

    @Override
    public void createIdentity(CommunicationUserId id, Instant createdAt) {
        sql.update("INSERT INTO identity_user (id, resource_id, created_at) VALUES (?, ?, ?)",
                id.value(), id.resourceId().toString(), createdAt);
    }

    @Override
    public Optional<StoredIdentity> findIdentity(CommunicationUserId id) {
        return sql.one("SELECT * FROM identity_user WHERE id = ?", rs -> new StoredIdentity(
                new CommunicationUserId(rs.getString("id")),
                Sql.instant(rs, "created_at").orElseThrow(),
                Sql.instant(rs, "revoked_before"),
                Sql.instant(rs, "last_token_issued_at")), id.value());
    }

    @Override
    public boolean revoke(CommunicationUserId id, Instant revokedBefore) {
        return sql.update("UPDATE identity_user SET revoked_before = ? WHERE id = ?", revokedBefore, id.value()) == 1;
    }

    @Override
    public void tokenIssued(CommunicationUserId id, Instant at) {
        sql.update("UPDATE identity_user SET last_token_issued_at = ? WHERE id = ?", at, id.value());
    }

    @Override
    public boolean deleteIdentity(CommunicationUserId id) {
        return sql.update("DELETE FROM identity_user WHERE id = ?", id.value()) == 1;
    }

    @Override
    public List<SigningKeyRing.StoredKey> signingKeys() {
        return sql.list("SELECT * FROM identity_signing_key ORDER BY created_at, key_id", rs -> new SigningKeyRing.StoredKey(
                rs.getString("key_id"), rs.getString("private_jwk"),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "retired_at")));
    }

    @Override
    public void saveSigningKey(SigningKeyRing.StoredKey key) {
        int updated = sql.update("UPDATE identity_signing_key SET retired_at = ? WHERE key_id = ?", key.retiredAt(), key.keyId());
        if (updated == 0) {
            sql.update("INSERT INTO identity_signing_key (key_id, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?)",
                    key.keyId(), key.privateJwk(), key.createdAt(), key.retiredAt());
        }
    }

    private static CommunicationResource resource(ResultSet rs) throws SQLException {
        return new CommunicationResource(UUID.fromString(rs.getString("id")), rs.getString("tenant_id"),
                rs.getString("primary_key"), rs.getString("secondary_key"));
    }
}
