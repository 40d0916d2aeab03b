// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of what the Identity API and the calling service read from strangers: access
 * tokens (compact JWS, and claims behind a good signature) and HMAC-signed requests. In a normal test
 * run these replay the corpus in {@code src/test/resources/dev/porta/identity/TokenAndSignatureFuzzTestInputs};
 * with {@code JAZZER_FUZZ=1} they fuzz. Any exception escaping is a finding: a refusal must be a result.
 */
class TokenAndSignatureFuzzTest {
    static final String KEY = HmacAuthenticatorTest.KEY;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2025-01-06T10:03:00Z"));
    private static final JdbcIdentityStore STORE = new JdbcIdentityStore(TestDatabases.h2().database(), CLOCK, dev.porta.common.SecretBox.ephemeral());
    private static final SigningKeyRing KEYS = new SigningKeyRing(STORE, CLOCK);
    private static final AccessTokenVerifier VERIFIER = new AccessTokenVerifier(KEYS, STORE, CLOCK);
    private static final HmacAuthenticator HMAC = new HmacAuthenticator(CLOCK, Duration.ofMinutes(10), List.of("porta.example"),
            () -> "localhost:8443", 1000);

    /** Any string as a bearer token. */
    @FuzzTest(maxDuration = "30s")
    void compactToken(byte[] data) {
        VERIFIER.check(new String(data, StandardCharsets.UTF_8));
    }

    /** Any payload, correctly signed with the current key: exercises the claim checks. */
    @FuzzTest(maxDuration = "30s")
    void signedClaims(byte[] payload) throws JOSEException {
        var key = KEYS.active();
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), new Payload(payload));
        jws.sign(new RSASSASigner(key));
        VERIFIER.check(jws.serialize());
    }

    /**
     * A request as lines: method, path and query, Host, x-ms-date, x-ms-content-sha256, Authorization;
     * everything after the sixth newline is the body.
     */
    @FuzzTest(maxDuration = "30s")
    void hmacRequest(byte[] data) {
        String[] f = new String[6];
        int start = 0;
        int field = 0;
        for (int i = 0; i < data.length && field < 6; i++) {
            if (data[i] == '\n') {
                f[field++] = new String(data, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
            }
        }
        byte[] body = field == 6 ? Arrays.copyOfRange(data, start, data.length) : new byte[0];
        HMAC.verify(new HmacAuthenticator.SignedRequest(f[0] == null ? "POST" : f[0], f[1] == null ? "/" : f[1], f[2], 8443,
                f[3], f[4], f[5], body), List.of(KEY, "not base64!"));
    }
}
