// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.ConfigException;
import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.testing.TestDatabases;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same store contract on embedded H2 and on PostgreSQL. */
class JdbcIdentityStoreTest {
    private final Instant now = Instant.parse("2026-11-22T10:15:30.123Z");

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void resourcesIdentitiesAndKeysRoundTripAndSurviveANewStoreOnTheSameDatabase(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var secrets = SecretBox.ephemeral();
            var store = new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), secrets);
            var resource = new CommunicationResource(UUID.randomUUID(), "tenant-1", "cHJpbWFyeQ==", "c2Vjb25kYXJ5");
            store.saveResource(resource);
            var id = CommunicationUserId.create(resource.id(), UUID.randomUUID());
            store.createIdentity(id, now);
            store.tokenIssued(id, now.plusSeconds(5));
            store.saveSigningKey(new SigningKeyRing.StoredKey("k1", "{\"kty\":\"RSA\"}", now, Optional.empty()));

            var reopened = new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), secrets); // migrations run again: no-op

            assertThat(reopened.findResource(resource.id())).contains(resource);
            assertThat(reopened.findResourceByTenant("tenant-1")).contains(resource);
            var stored = reopened.findIdentity(id).orElseThrow();
            assertThat(stored.createdAt()).isEqualTo(now);
            assertThat(stored.lastTokenIssuedAt()).contains(now.plusSeconds(5));
            assertThat(stored.revokedBefore()).isEmpty();
            assertThat(reopened.signingKeys()).extracting(SigningKeyRing.StoredKey::keyId).containsExactly("k1");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void revokeDeleteAndKeyReplacementAffectOnlyTheirRow(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var store = new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), SecretBox.ephemeral());
            var resource = new CommunicationResource(UUID.randomUUID(), "tenant-2", "a2V5MQ==", "a2V5Mg==");
            store.saveResource(resource);
            var kept = CommunicationUserId.create(resource.id(), UUID.randomUUID());
            var gone = CommunicationUserId.create(resource.id(), UUID.randomUUID());
            store.createIdentity(kept, now);
            store.createIdentity(gone, now);

            assertThat(store.revoke(kept, now.plusMillis(1))).isTrue();
            assertThat(store.deleteIdentity(gone)).isTrue();
            assertThat(store.deleteIdentity(gone)).isFalse();
            assertThat(store.revoke(gone, now)).isFalse();
            assertThat(store.replaceKey(resource.id(), 1, "bmV3")).isTrue();
            assertThat(store.replaceKey(UUID.randomUUID(), 0, "bmV3")).isFalse();

            assertThat(store.findIdentity(kept).orElseThrow().revokedBefore()).contains(now.plusMillis(1));
            assertThat(store.findIdentity(gone)).isEmpty();
            assertThat(store.findResource(resource.id()).orElseThrow().accessKeys()).containsExactly("a2V5MQ==", "bmV3");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aCopyOfTheDatabaseHoldsNeitherTheAccessKeysNorThePrivateSigningKey(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var store = new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), SecretBox.ephemeral());
            var resource = new CommunicationResource(UUID.randomUUID(), "tenant-3", PRIMARY, SECONDARY);
            store.saveResource(resource);
            var ring = new SigningKeyRing(store, java.time.Clock.systemUTC());
            String privateExponent = ring.active().getPrivateExponent().toString();

            String raw = rawSecrets(t.database());

            assertThat(raw).doesNotContain(PRIMARY).doesNotContain(SECONDARY).doesNotContain(privateExponent)
                    .doesNotContain("\"d\"").contains("sealed:v1:");
            assertThat(store.findResource(resource.id())).contains(resource);
            assertThat(ring.find(ring.active().getKeyID()).orElseThrow().getPrivateExponent().toString()).isEqualTo(privateExponent);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void plaintextSecretsOfAnOlderDatabaseAreSealedWhenTheStoreOpens(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            t.database().migrate("identity"); // the schema an older Porta wrote into, in the clear
            String jwk = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("old").generate().toJSONString();
            UUID id = UUID.randomUUID();
            var sql = new dev.porta.common.Sql(t.database());
            sql.update("INSERT INTO identity_resource (id, tenant_id, primary_key, secondary_key, created_at) VALUES (?, ?, ?, ?, ?)",
                    id.toString(), "tenant-4", PRIMARY, SECONDARY, now);
            sql.update("INSERT INTO identity_signing_key (key_id, private_jwk, created_at) VALUES (?, ?, ?)", "old", jwk, now);

            var store = new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), SecretBox.ephemeral());

            assertThat(rawSecrets(t.database())).doesNotContain(PRIMARY).doesNotContain(SECONDARY).doesNotContain(jwk);
            assertThat(store.findResource(id).orElseThrow().accessKeys()).containsExactly(PRIMARY, SECONDARY);
            assertThat(store.signingKeys()).extracting(SigningKeyRing.StoredKey::privateJwk).containsExactly(jwk);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aWrongMasterKeyRefusesToOpenTheStoreAndChangesNothing(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var right = SecretBox.ephemeral();
            new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), right)
                    .saveResource(new CommunicationResource(UUID.randomUUID(), "tenant-5", PRIMARY, SECONDARY));
            String before = rawSecrets(t.database());

            assertThatThrownBy(() -> new JdbcIdentityStore(t.database(), java.time.Clock.systemUTC(), SecretBox.ephemeral()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("sealed with master key " + right.currentKeyId())
                    .hasMessageContaining("not configured");
            assertThat(rawSecrets(t.database())).isEqualTo(before);
        }
    }

    private static final String PRIMARY = "cHJpbWFyeS1hY2Nlc3Mta2V5LXRoYXQtbXVzdC1ub3QtbGVhaw==";
    private static final String SECONDARY = "c2Vjb25kYXJ5LWFjY2Vzcy1rZXktdGhhdC1tdXN0LW5vdC1sZWFr";

    /** Every stored secret as the database holds it, read straight through JDBC. */
    private static String rawSecrets(dev.porta.common.Database db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var c = db.connection(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT primary_key, secondary_key FROM identity_resource ORDER BY id")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n').append(rs.getString(2)).append('\n');
                }
            }
            try (var rs = s.executeQuery("SELECT private_jwk FROM identity_signing_key ORDER BY key_id")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }
}
