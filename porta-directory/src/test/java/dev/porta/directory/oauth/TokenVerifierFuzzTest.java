// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.porta.common.MutableClock;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.ClientId;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.Tenant;
import dev.porta.directory.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * Coverage-guided fuzzing of Graph bearer tokens as the resource server reads them: any compact JWS,
 * and any claims behind a good signature. In a normal test run these replay the corpus in
 * {@code src/test/resources/dev/porta/directory/oauth/TokenVerifierFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} they fuzz. Any exception escaping is a finding: a bad token is a refusal.
 */
class TokenVerifierFuzzTest {
    static final String BASE = "https://porta.example/";
    static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    static final ClientId APP = new ClientId("33333333-3333-4333-8333-333333333333");
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private static final JdbcDirectoryStore STORE = new JdbcDirectoryStore(TestDatabases.h2().database(), dev.porta.common.SecretBox.ephemeral());
    private static final SigningKeyRing KEYS = new SigningKeyRing(STORE, CLOCK);
    private static final TokenVerifier VERIFIER = new TokenVerifier(KEYS, new TokenIssuer(KEYS, () -> BASE, Duration.ofHours(1), CLOCK),
            new Audiences(() -> BASE), STORE, CLOCK);

    static {
        STORE.createTenant(new Tenant(TENANT, "Contoso", CLOCK.instant()));
        STORE.createApp(new AppRegistration(APP, TENANT, "44444444-4444-4444-8444-444444444444", "Fuzz app",
                EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), List.of(), CLOCK.instant()));
    }

    /** Any string as a bearer token. */
    @FuzzTest(maxDuration = "30s")
    void compactToken(byte[] data) {
        VERIFIER.verify(new String(data, StandardCharsets.UTF_8));
    }

    /** Any payload, correctly signed with the current key: exercises the claim checks. */
    @FuzzTest(maxDuration = "30s")
    void signedClaims(byte[] payload) throws JOSEException {
        var key = KEYS.active();
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), new Payload(payload));
        jws.sign(new RSASSASigner(key));
        VERIFIER.verify(jws.serialize());
    }
}
