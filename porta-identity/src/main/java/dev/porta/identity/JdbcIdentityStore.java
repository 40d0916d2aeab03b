// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.Database;
import dev.porta.common.SealedColumn;
import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IdentityStore} on H2 or PostgreSQL; the schema is in {@code db/identity}. Access keys and
 * private signing keys are stored sealed by {@link SecretBox} (the row and column are the
 * authenticated data); opening the store seals what an older version stored in the clear, or under
 * an earlier master key, and fails when a stored secret does not open with the configured keys.
 */
public final class JdbcIdentityStore implements IdentityStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcIdentityStore.class);
    private static final SealedColumn PRIMARY = new SealedColumn("identity_resource", "id", "primary_key");
    private static final SealedColumn SECONDARY = new SealedColumn("identity_resource", "id", "secondary_key");
    private static final SealedColumn SIGNING_KEY = new SealedColumn("identity_signing_key", "key_id", "private_jwk");

    private final Sql sql;
    private final Clock clock;
    private final SecretBox secrets;

    public JdbcIdentityStore(Database db, Clock clock, SecretBox secrets) {
        db.migrate("identity");
        this.sql = new Sql(db);
        this.clock = clock;
        this.secrets = secrets;
        resealStoredSecrets();
    }

    private void resealStoredSecrets() {
        int count = PRIMARY.reseal(sql, secrets) + SECONDARY.reseal(sql, secrets) + SIGNING_KEY.reseal(sql, secrets);
        if (count > 0) {
            LOG.info("Sealed {} stored identity secrets with master key {}", count, secrets.currentKeyId());
        }
    }

    private static String resourceContext(String id, String column) {
        return (column.equals("primary_key") ? PRIMARY : SECONDARY).context(id);
    }

    private static String keyContext(String keyId) {
        return SIGNING_KEY.context(keyId);
    }

    @Override
    public void saveResource(CommunicationResource r) {
        String id = r.id().toString();
        sql.update("INSERT INTO identity_resource (id, tenant_id, primary_key, secondary_key, created_at) VALUES (?, ?, ?, ?, ?)",
                id, r.tenantId(), secrets.seal(r.primaryKey(), resourceContext(id, "primary_key")),
                secrets.seal(r.secondaryKey(), resourceContext(id, "secondary_key")), clock.instant());
    }

    @Override
    public Optional<CommunicationResource> findResource(UUID id) {
        return sql.one("SELECT * FROM identity_resource WHERE id = ?", this::resource, id.toString());
    }

    @Override
    public Optional<CommunicationResource> findResourceByTenant(String tenantId) {
        return sql.one("SELECT * FROM identity_resource WHERE tenant_id = ?", this::resource, tenantId);
    }

    @Override
    public List<CommunicationResource> resources() {
        return sql.list("SELECT * FROM identity_resource ORDER BY created_at, id", this::resource);
    }

    @Override
    public boolean replaceKey(UUID resourceId, int keyIndex, String newKey) {
        String column = switch (keyIndex) {
            case 0 -> "primary_key";
            case 1 -> "secondary_key";
            default -> throw new IllegalArgumentException("key index must be 0 or 1");
        };
        String id = resourceId.toString();
        return sql.update("UPDATE identity_resource SET " + column + " = ? WHERE id = ?",
                secrets.seal(newKey, resourceContext(id, column)), id) == 1;
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
                rs.getString("key_id"), secrets.open(rs.getString("private_jwk"), keyContext(rs.getString("key_id"))),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "retired_at")));
    }

    @Override
    public void saveSigningKey(SigningKeyRing.StoredKey key) {
        int updated = sql.update("UPDATE identity_signing_key SET retired_at = ? WHERE key_id = ?", key.retiredAt(), key.keyId());
        if (updated == 0) {
            sql.update("INSERT INTO identity_signing_key (key_id, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?)",
                    key.keyId(), secrets.seal(key.privateJwk(), keyContext(key.keyId())), key.createdAt(), key.retiredAt());
        }
    }

    private CommunicationResource resource(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        return new CommunicationResource(UUID.fromString(id), rs.getString("tenant_id"),
                secrets.open(rs.getString("primary_key"), resourceContext(id, "primary_key")),
                secrets.open(rs.getString("secondary_key"), resourceContext(id, "secondary_key")));
    }
}
