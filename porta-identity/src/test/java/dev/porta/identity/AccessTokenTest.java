// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SigningKeyRing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.common.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokenTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00.250Z"));
    private TestDatabases.TestDatabase db;
    private IdentityService identities;
    private AccessTokenVerifier verifier;
    private CommunicationResource resource;
    private SigningKeyRing keys;
    private final dev.porta.common.SecretBox secrets = dev.porta.common.SecretBox.ephemeral();

    @BeforeEach
    void setUp() {
        db = TestDatabases.h2();
        var store = new JdbcIdentityStore(db.database(), clock, secrets);
        keys = new SigningKeyRing(store, clock);
        identities = new IdentityService(store, new AccessTokenIssuer(keys), clock);
        verifier = new AccessTokenVerifier(keys, store, clock);
        resource = identities.resourceFor("tenant");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void everyPayloadDecodesWithTheStandardBase64DecoderAndCarriesACompactExp() {
        // The official TokenParser: split on '.', Base64.getDecoder() on part 1, regex "exp":*([0-9]+).
        Pattern exp = Pattern.compile("\"exp\":*([0-9]+)");
        for (int i = 0; i < 300; i++) {
            var id = identities.createIdentity(resource);
            AccessToken token = identities.issueToken(resource, id, Set.of(TokenScope.VOIP, TokenScope.CHAT),
                    Duration.ofMinutes(60 + i)).orElseThrow();

            String payload = new String(Base64.getDecoder().decode(token.token().split("\\.")[1]), StandardCharsets.US_ASCII);
            Matcher m = exp.matcher(payload);
            assertThat(m.find()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(token.expiresOn().getEpochSecond());
            assertThat(payload).contains("\"skypeid\":\"" + id.skypeId() + "\"").contains("\"scp\":1792")
                    .contains("\"acsScope\":\"chat,voip\"").contains("\"resourceId\":\"" + resource.id() + "\"");
        }
    }

    @Test
    void jsonStringsEscapeEveryCharacterThatCouldPutDashOrUnderscoreIntoBase64Url() {
        assertThat(AccessTokenIssuer.jsonString("a>b?c~d\"é")).isEqualTo("\"a\\u003eb\\u003fc\\u007ed\\u0022\\u00e9\"");
    }

    @Test
    void aValidTokenReportsItsIdentityScopesAndExpiry() {
        var id = identities.createIdentity(resource);
        AccessToken token = identities.issueToken(resource, id, Set.of(TokenScope.VOIP_JOIN), Duration.ofHours(1)).orElseThrow();

        assertThat(verifier.check(token.token())).isEqualTo(new TokenCheck.Valid(id, Set.of(TokenScope.VOIP_JOIN),
                clock.instant(), Instant.parse("2026-11-22T11:00:00Z")));
    }

    @Test
    void aTeamsUserTokenNamesTheMemberExpiresWithTheDirectoryTokenAndNoLaterThanADay() {
        String member = "11111111-2222-4333-8444-555555555555";
        TeamsUserToken soon = identities.issueTeamsUserToken(resource, "tenant", member, "app", clock.instant().plus(Duration.ofMinutes(42)));
        TeamsUserToken late = identities.issueTeamsUserToken(resource, "tenant", member, "app", clock.instant().plus(Duration.ofDays(3)));

        assertThat(verifier.check(soon.token())).isEqualTo(new TokenCheck.TeamsUser("tenant", member, clock.instant(),
                Instant.parse("2026-11-22T10:42:00Z")));
        assertThat(late.expiresOn()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        String payload = new String(Base64.getDecoder().decode(soon.token().split("\\.")[1]), StandardCharsets.US_ASCII);
        assertThat(payload).contains("\"skypeid\":\"orgid:" + member + "\"").contains("\"exp\":");

        clock.advance(Duration.ofMinutes(42));
        assertThat(verifier.check(soon.token())).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.EXPIRED));
    }

    @Test
    void aTeamsUserTokenWhoseMemberIdIsNotAnObjectIdIsRefusedAsMalformed() {
        TeamsUserToken odd = identities.issueTeamsUserToken(resource, "tenant", "8:acs:someone", "app", clock.instant().plus(Duration.ofHours(1)));

        assertThat(verifier.check(odd.token())).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.MALFORMED));
    }

    @Test
    void rejectsTokenIssuedBeforeRevocationButAcceptsOneIssuedInTheSameSecondAfterIt() {
        var id = identities.createIdentity(resource);
        String before = identities.issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();
        clock.advance(Duration.ofMillis(100));
        identities.revokeTokens(resource, id);
        clock.advance(Duration.ofMillis(100));
        String after = identities.issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();

        assertThat(verifier.check(before)).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.REVOKED));
        assertThat(verifier.check(after)).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    void rejectsExpiredTamperedForeignAndGarbageTokens() {
        var id = identities.createIdentity(resource);
        String token = identities.issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.US_ASCII).replace("\"voip\"", "\"chat\"")
                        .getBytes(StandardCharsets.US_ASCII)) + "." + parts[2];
        String foreign = foreignToken(id);

        assertThat(verifier.check(tampered)).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.BAD_SIGNATURE));
        assertThat(verifier.check(foreign)).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.BAD_SIGNATURE));
        assertThat(verifier.check("not.a.token")).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.MALFORMED));
        assertThat(verifier.check("x".repeat(10_000))).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.MALFORMED));
        clock.advance(Duration.ofHours(1));
        assertThat(verifier.check(token)).isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.EXPIRED));
    }

    @Test
    void tokensSignedByARetiredButKnownKeyStillVerifyAfterRotation() {
        var id = identities.createIdentity(resource);
        String old = identities.issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();

        keys.rotate();
        String fresh = identities.issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();

        assertThat(verifier.check(old)).isInstanceOf(TokenCheck.Valid.class);
        assertThat(verifier.check(fresh)).isInstanceOf(TokenCheck.Valid.class);
        assertThat(keys.publicJwks().getKeys()).hasSize(2).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
    }

    @Test
    void revocationIsAnnouncedToListeners() {
        var id = identities.createIdentity(resource);
        var heard = new java.util.ArrayList<CommunicationUserId>();
        identities.onRevocation(heard::add);

        identities.revokeTokens(resource, id);
        identities.deleteIdentity(resource, id);
        identities.revokeTokens(resource, id); // gone: nothing announced

        assertThat(heard).containsExactly(id, id);
    }

    private String foreignToken(CommunicationUserId id) {
        try (var other = TestDatabases.h2()) {
            var store = new JdbcIdentityStore(other.database(), clock, dev.porta.common.SecretBox.ephemeral());
            var issuer = new AccessTokenIssuer(new SigningKeyRing(store, clock));
            return issuer.issue(id, Set.of(TokenScope.VOIP), clock.instant(), Duration.ofHours(1)).token();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void identitiesOfAnotherResourceAreNotFound() {
        var other = identities.resourceFor("other-tenant");
        var id = identities.createIdentity(resource);

        assertThat(identities.issueToken(other, id, Set.of(TokenScope.VOIP), Duration.ofHours(1))).isEmpty();
        assertThat(identities.revokeTokens(other, id)).isFalse();
        assertThat(identities.deleteIdentity(other, id)).isFalse();
        assertThat(CommunicationUserId.create(UUID.randomUUID(), UUID.randomUUID()).value()).startsWith("8:acs:");
    }

    @Test
    void forgedTokensWithMadeUpKeyIdsDoNotTurnIntoKeyTableReads() {
        var store = new JdbcIdentityStore(db.database(), clock, secrets);
        int[] reads = {0};
        SigningKeyRing.Store counting = new SigningKeyRing.Store() {
            @Override
            public java.util.List<SigningKeyRing.StoredKey> signingKeys() {
                reads[0]++;
                return store.signingKeys();
            }

            @Override
            public void saveSigningKey(SigningKeyRing.StoredKey key) {
                store.saveSigningKey(key);
            }
        };
        var ring = new SigningKeyRing(counting, clock);
        var guarded = new AccessTokenVerifier(ring, store, clock);
        int before = reads[0];

        for (int i = 0; i < 500; i++) {
            String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(guarded.check(header + ".e30.AAAA")).isInstanceOf(TokenCheck.Refused.class);
        }

        assertThat(reads[0] - before).isLessThanOrEqualTo(1);
    }
}
