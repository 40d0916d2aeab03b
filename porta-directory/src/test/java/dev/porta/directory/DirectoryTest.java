// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.MutableClock;
import dev.porta.common.testing.TestDatabases;
import dev.porta.common.SigningKeyRing;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The directory's rules, through its service, on both databases. */
class DirectoryTest {
    private static final TenantId TENANT = new TenantId("11111111-1111-4111-8111-111111111111");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    private Directory directory(JdbcDirectoryStore store) {
        return new Directory(store, new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void membersAreStoredWithArgon2idHashesAndSignInWithTheirPassword(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var store = new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral());
            Directory d = directory(store);
            d.createTenant(TENANT, "Contoso");
            Member m = d.addMember(TENANT, "Megan@Contoso.example", "Megan Bowen", "correct horse");

            assertThat(m.userPrincipalName()).isEqualTo("megan@contoso.example");
            assertThat(m.passwordHash()).isEmpty();
            assertThat(store.findMember(TENANT, m.id()).orElseThrow().passwordHash()).startsWith("$argon2id$v=19$");
            assertThat(d.authenticateMember(TENANT, "megan@contoso.example", "correct horse")).isPresent();
            assertThat(d.authenticateMember(TENANT, "megan@contoso.example", "wrong horse")).isEmpty();
            assertThat(d.authenticateMember(TENANT, "nobody@contoso.example", "correct horse")).isEmpty();

            d.updateMember(TENANT, m.id(), null, null, false);
            assertThat(d.authenticateMember(TENANT, "megan@contoso.example", "correct horse")).isEmpty();
            assertThatThrownBy(() -> d.addMember(TENANT, "megan@contoso.example", "Again", "correct horse"))
                    .isInstanceOf(DirectoryException.class).extracting("kind").isEqualTo(DirectoryException.Kind.CONFLICT);
            assertThatThrownBy(() -> d.addMember(TENANT, "not-an-upn", "X", "correct horse"))
                    .isInstanceOf(DirectoryException.class).extracting("field").isEqualTo("userPrincipalName");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void clientSecretsAreShownOnceVerifiedByHashAndExpire(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            d.createTenant(TENANT, "Contoso");
            AppRegistration app = d.registerApp(TENANT, "Custom app", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of());
            NewClientSecret secret = d.addClientSecret(TENANT, app.clientId(), Duration.ofDays(1));

            assertThat(d.clientSecrets(TENANT, app.clientId())).singleElement()
                    .satisfies(s -> assertThat(s.hash()).isEmpty())
                    .satisfies(s -> assertThat(s.hint()).isEqualTo(secret.value().substring(0, 3)));
            assertThat(d.authenticateClient(TENANT, app.clientId(), secret.value())).map(AppRegistration::permissions)
                    .contains(Set.of(AppPermission.ONLINE_MEETINGS_READ_ALL));
            assertThat(d.authenticateClient(TENANT, app.clientId(), secret.value() + "x")).isEmpty();
            assertThat(d.authenticateClient(TENANT, ClientId.random(), secret.value())).isEmpty();

            clock.advance(Duration.ofDays(1));
            assertThat(d.authenticateClient(TENANT, app.clientId(), secret.value())).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void unknownAppsAppsWithoutSecretsAndAppsWithManySecretsCostOneHashEach() throws Exception {
        try (var t = TestDatabases.h2()) {
            PasswordHasher hasher = new PasswordHasher(64, 1);
            Directory d = new Directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()), hasher, DirectoryConfig.forTests(), clock);
            d.createTenant(TENANT, "Contoso");
            AppRegistration none = d.registerApp(TENANT, "No secrets", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of());
            AppRegistration many = d.registerApp(TENANT, "Many secrets", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of());
            String right = d.addClientSecret(TENANT, many.clientId(), null).value();
            d.addClientSecret(TENANT, many.clientId(), null);
            d.addClientSecret(TENANT, many.clientId(), null);

            for (ClientId id : List.of(ClientId.random(), none.clientId(), many.clientId())) {
                long before = hasher.verifications();
                assertThat(d.authenticateClient(TENANT, id, "not-the-secret")).isEmpty();
                assertThat(hasher.verifications() - before).as("hashes for %s", id).isEqualTo(1);
            }
            long before = hasher.verifications();
            assertThat(d.authenticateClient(TENANT, many.clientId(), right)).isPresent();
            assertThat(hasher.verifications() - before).isEqualTo(1);
        }
    }

    @org.junit.jupiter.api.Test
    void signInLooksUpTheNameTheWayTheLimiterKeysIt() throws Exception {
        try (var t = TestDatabases.h2()) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            d.createTenant(TENANT, "Contoso");
            d.addMember(TENANT, "adele@contoso.example", "Adele Vance", "correct horse");

            assertThat(d.authenticateMember(TENANT, "  ADELE@contoso.example ", "correct horse")).isPresent();
            assertThat(Directory.userNameKey("  ADELE@contoso.example ")).contains("adele@contoso.example");
            assertThat(Directory.userNameKey(" ")).isEmpty();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aMembersOwnAccessPolicyReplacesTheTenantWideOne(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            d.createTenant(TENANT, "Contoso");
            Member megan = d.addMember(TENANT, "megan@contoso.example", "Megan", "password1");
            Member adele = d.addMember(TENANT, "adele@contoso.example", "Adele", "password1");
            ClientId app = d.registerApp(TENANT, "App", Set.of(), List.of()).clientId();
            ClientId other = d.registerApp(TENANT, "Other", Set.of(), List.of()).clientId();

            assertThat(d.mayActFor(TENANT, app, megan.id())).isFalse();
            d.setAccessPolicy(TENANT, "all-apps", Set.of(app, other));
            d.setAccessPolicy(TENANT, "other-only", Set.of(other));
            d.grantAccessPolicy(TENANT, Optional.empty(), Optional.of("all-apps"));
            d.grantAccessPolicy(TENANT, Optional.of(adele.id()), Optional.of("other-only"));

            assertThat(d.mayActFor(TENANT, app, megan.id())).isTrue();
            assertThat(d.mayActFor(TENANT, app, adele.id())).isFalse();
            assertThat(d.mayActFor(TENANT, other, adele.id())).isTrue();

            d.grantAccessPolicy(TENANT, Optional.empty(), Optional.empty());
            assertThat(d.mayActFor(TENANT, app, megan.id())).isFalse();
            assertThatThrownBy(() -> d.grantAccessPolicy(TENANT, Optional.empty(), Optional.of("missing")))
                    .isInstanceOf(DirectoryException.class);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void anOrganizersMeetingPolicyOverridesTheTenantPolicy(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            d.createTenant(TENANT, "Contoso");
            Member megan = d.addMember(TENANT, "megan@contoso.example", "Megan", "password1");

            MeetingPolicy defaults = d.effectiveMeetingPolicy(TENANT, megan.id());
            assertThat(defaults.allowAnonymousJoin()).isTrue();
            assertThat(defaults.guestCapabilities()).contains(GuestCapability.AUDIO, GuestCapability.VIDEO,
                    GuestCapability.SCREEN_SHARING, GuestCapability.CHAT)
                    .doesNotContain(GuestCapability.RAISE_HAND, GuestCapability.TOGETHER_MODE, GuestCapability.BREAKOUT_ROOMS,
                            GuestCapability.ADMIT_FROM_LOBBY, GuestCapability.MANAGE_PARTICIPANTS, GuestCapability.PRESENT);

            d.setTenantMeetingPolicy(TENANT, new MeetingPolicy(false, EnumSet.of(LobbyBypassScope.ORGANIZER), Set.of()));
            assertThat(d.effectiveMeetingPolicy(TENANT, megan.id()).allowAnonymousJoin()).isFalse();

            MeetingPolicy override = new MeetingPolicy(true, EnumSet.of(LobbyBypassScope.EVERYONE),
                    EnumSet.of(GuestCapability.AUDIO, GuestCapability.RAISE_HAND));
            d.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.of(override));
            assertThat(d.effectiveMeetingPolicy(TENANT, megan.id())).isEqualTo(override);

            d.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.empty());
            assertThat(d.effectiveMeetingPolicy(TENANT, megan.id()).allowAnonymousJoin()).isFalse();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aPolicySavedByAnOlderVersionNoLongerLetsGuestsAdmitFromTheLobbyAndShowsGuestsIdentitiesAsInAcs(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var secrets = dev.porta.common.SecretBox.ephemeral();
            Directory d = directory(new JdbcDirectoryStore(t.database(), secrets));
            d.createTenant(TENANT, "Contoso");
            Member megan = d.addMember(TENANT, "megan@contoso.example", "Megan", "password1");
            d.setTenantMeetingPolicy(TENANT, new MeetingPolicy(true, EnumSet.of(LobbyBypassScope.ORGANIZER), Set.of()));
            d.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.of(new MeetingPolicy(true,
                    EnumSet.of(LobbyBypassScope.ORGANIZER), Set.of())));
            // what the older version stored: its default set, admitting included
            var sql = new dev.porta.common.Sql(t.database());
            sql.update("UPDATE directory_meeting_policy SET guest_capabilities = ? WHERE member_id = ?",
                    "audio,video,screenSharing,chat,admitFromLobby", megan.id().value());
            sql.update("UPDATE directory_meeting_policy SET guest_capabilities = ? WHERE member_id <> ?",
                    "admitFromLobby,chat", megan.id().value());
            // as if upgrading from version 1: later migrations' tables go too
            sql.update("DROP TABLE directory_refresh_token");
            sql.update("DROP TABLE directory_audit_event");
            sql.update("DROP TABLE directory_member_role");
            sql.update("DELETE FROM flyway_directory WHERE version IN ('2', '3', '4', '5', '6')");

            Directory upgraded = directory(new JdbcDirectoryStore(t.database(), secrets));

            assertThat(upgraded.effectiveMeetingPolicy(TENANT, megan.id()).guestCapabilities())
                    .containsExactlyInAnyOrder(GuestCapability.AUDIO, GuestCapability.VIDEO, GuestCapability.SCREEN_SHARING,
                            GuestCapability.CHAT, GuestCapability.SEE_GUEST_IDENTITIES);
            upgraded.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.empty());
            assertThat(upgraded.effectiveMeetingPolicy(TENANT, megan.id()).guestCapabilities())
                    .containsExactlyInAnyOrder(GuestCapability.CHAT, GuestCapability.SEE_GUEST_IDENTITIES);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void demoSeedingTwiceKeepsIdsAndRotatesCredentials(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            DemoSeeder.DemoSeed first = new DemoSeeder(d).seed();
            DemoSeeder.DemoSeed second = new DemoSeeder(d).seed();

            assertThat(second.tenantId()).isEqualTo(first.tenantId());
            assertThat(second.clientId()).isEqualTo(first.clientId());
            assertThat(second.members()).extracting(DemoSeeder.DemoMember::id)
                    .containsExactlyElementsOf(first.members().stream().map(DemoSeeder.DemoMember::id).toList());
            assertThat(d.authenticateClient(second.tenantId(), second.clientId(), second.clientSecret())).isPresent();
            assertThat(d.authenticateClient(first.tenantId(), first.clientId(), first.clientSecret())).isEmpty();
            assertThat(d.authenticateMember(second.tenantId(), second.organizer().userPrincipalName(), second.organizer().password())).isPresent();
            assertThat(d.mayActFor(second.tenantId(), second.clientId(), second.members().get(1).id())).isTrue();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void signingKeysSurviveARestart(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var secrets = dev.porta.common.SecretBox.ephemeral();
            String first = new SigningKeyRing(new JdbcDirectoryStore(t.database(), secrets), clock).publicJwks().toString();
            String again = new SigningKeyRing(new JdbcDirectoryStore(t.database(), secrets), clock).publicJwks().toString();
            assertThat(again).isEqualTo(first);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aCopyOfTheDatabaseHoldsNoPrivateSigningKeyAndPlaintextKeysOfOlderVersionsGetSealed(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            var secrets = dev.porta.common.SecretBox.ephemeral();
            var ring = new SigningKeyRing(new JdbcDirectoryStore(t.database(), secrets), clock);
            String privateExponent = ring.active().getPrivateExponent().toString();
            // an older Porta's row, stored in the clear
            String oldJwk = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("old").generate().toJSONString();
            new dev.porta.common.Sql(t.database()).update(
                    "INSERT INTO directory_signing_key (key_id, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?)",
                    "old", oldJwk, clock.instant().minusSeconds(60), clock.instant());

            var reopened = new JdbcDirectoryStore(t.database(), secrets);

            List<String> raw = new dev.porta.common.Sql(t.database()).list("SELECT private_jwk FROM directory_signing_key",
                    rs -> rs.getString(1));
            assertThat(raw).hasSize(2).allSatisfy(v -> assertThat(v).startsWith("sealed:v1:" + secrets.currentKeyId() + ":")
                    .doesNotContain(privateExponent).doesNotContain("\"d\""));
            assertThat(reopened.signingKeys()).extracting(SigningKeyRing.StoredKey::privateJwk).contains(oldJwk);
            assertThatThrownBy(() -> new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()))
                    .isInstanceOf(dev.porta.common.ConfigException.class).hasMessageContaining("not configured");
        }
    }

    @org.junit.jupiter.api.Test
    void disablingOrDeletingAMemberTellsTheListenersSoLiveCallsEnd() throws Exception {
        try (var t = TestDatabases.create("h2")) {
            Directory d = directory(new JdbcDirectoryStore(t.database(), dev.porta.common.SecretBox.ephemeral()));
            d.createTenant(TENANT, "Contoso");
            Member megan = d.addMember(TENANT, "megan@contoso.example", "Megan", "password1");
            Member adele = d.addMember(TENANT, "adele@contoso.example", "Adele", "password1");
            java.util.List<MemberId> revoked = new java.util.ArrayList<>();
            d.onMemberRevoked(revoked::add);

            d.updateMember(TENANT, megan.id(), "Megan B", null, null);
            assertThat(revoked).isEmpty();
            d.updateMember(TENANT, megan.id(), null, null, false);
            d.deleteMember(TENANT, adele.id());
            assertThat(revoked).containsExactly(megan.id(), adele.id());
        }
    }
}
