// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;

import static org.assertj.core.api.Assertions.assertThat;

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
}
