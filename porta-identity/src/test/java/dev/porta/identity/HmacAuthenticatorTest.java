// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.identity.HmacAuthenticator.Failure;
import dev.porta.identity.HmacAuthenticator.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors A and B from the Identity API reference, §6.4. */
class HmacAuthenticatorTest {
    static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LWZvci11bml0LXRlc3RzLTAxMjM0NTY3ODk=";
    static final String DATE = "Mon, 06 Jan 2025 10:00:00 GMT";
    static final String ID = "8:acs:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee_00000001-0000-0000-0000-000000000000";
    static final String VECTOR_A_BODY = "{\"createTokenWithScopes\":[\"voip\"],\"expiresInMinutes\":60}";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-06T10:03:00Z"));
    private final HmacAuthenticator hmac = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of("h"));

    @ParameterizedTest(name = "signed host {0}")
    @CsvSource({
        "localhost, 5Bwy0e/NY2SrYt8digzur9hVIwXWobK0NQFNDtaNxII=",
        "localhost:8443, nQuoCmnAg24+X3ZI1mSezhsB5O9F7dj74DfMU/EhD50=",
        "localhost:8443:8443, 05hGPE4DdsB0E/oVvVmMNcRLmvvvAOCDzKgb8OO4Z9E="})
    void computesTheReferenceSignatureForEachHostVariant(String host, String signature) {
        String hash = HmacAuthenticator.contentHash(VECTOR_A_BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(hash).isEqualTo("riqUJMgNPJKPTzCcn0B7ducXw4YeJM1Nm7f+AosM3sU=");

        String header = HmacAuthenticator.authorizationHeader(KEY, "POST", "/identities?api-version=2023-10-01", DATE, host, hash);

        assertThat(header).endsWith("&Signature=" + signature);
    }

    @ParameterizedTest(name = "Host header {0} accepts a signature over {1}")
    @CsvSource({
        "localhost, localhost",           // Java SDK: no port signed, none sent
        "localhost:8443, localhost:8443",  // JS SDK on Node
        "localhost:8443, localhost",       // Java on a client that cannot override Host
        "localhost:8443, localhost:8443:8443", // JS builds that double the port
        "localhost, localhost:8443"})     // signed with port, sent without
    void acceptsEveryHostQuirkOfTheOfficialSdks(String hostHeader, String signedHost) {
        byte[] body = VECTOR_A_BODY.getBytes(StandardCharsets.UTF_8);
        String hash = HmacAuthenticator.contentHash(body);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "POST", "/identities?api-version=2023-10-01", DATE, signedHost, hash);

        var result = hmac.verify(new SignedRequest("POST", "/identities?api-version=2023-10-01", hostHeader, 8443,
                DATE, hash, auth, body), List.of(KEY));

        assertThat(result.ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "POST|/identities?api-version=2022-10-01|{}|RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=|h/5UDa1cSeysuNnvz1XTB758GFeZSyC1H2RICsfMrWs=",
        "POST|/identities/" + ID + "/:issueAccessToken?api-version=2022-10-01|{\"scopes\":[\"voip\"]}|P1RwfEo9ooiQzNiWxaaue5mYALPNYKlNk8kSWHZrWlg=|6FmG+VjQR6aa2lg+by9njqvC3WYefFXJzxNWEM5qagM=",
        "POST|/identities/" + ID + "/:revokeAccessTokens?api-version=2022-10-01||47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=|L3+jJt6UGBiTs/h2XehWt/Ny+8hpAhqCdA/TBU8V2T8=",
        "DELETE|/identities/" + ID + "?api-version=2022-10-01||47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=|dp2Zo2wpbL0L9JWfdNKUEkVT7Mgy5W3PCLNCN+dhr70="})
    void verifiesTheJavaSdkRequestShapesOfVectorB(String method, String target, String body, String hash, String signature) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        assertThat(HmacAuthenticator.contentHash(bytes)).isEqualTo(hash);
        String auth = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature;

        var result = hmac.verify(new SignedRequest(method, target, "127.0.0.1", 18443, DATE, hash, auth, bytes), List.of(KEY));

        assertThat(result.ok()).isTrue();
    }

    @Test
    void refusesABodyThatDoesNotMatchItsHash() {
        byte[] signedBody = "{}".getBytes(StandardCharsets.UTF_8);
        String hash = HmacAuthenticator.contentHash(signedBody);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "POST", "/identities?api-version=2022-10-01", DATE, "127.0.0.1", hash);

        var result = hmac.verify(new SignedRequest("POST", "/identities?api-version=2022-10-01", "127.0.0.1", 443, DATE, hash, auth,
                "{\"createTokenWithScopes\":[\"chat\"]}".getBytes(StandardCharsets.UTF_8)), List.of(KEY));

        assertThat(result.failure()).contains(Failure.CONTENT_HASH_MISMATCH);
    }

    @Test
    void refusesDatesOutsideTheSkewWindowInBothDirections() {
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        for (Instant signedAt : List.of(Instant.parse("2025-01-06T09:52:59Z"), Instant.parse("2025-01-06T10:13:01Z"))) {
            String date = HmacAuthenticator.formatDate(signedAt);
            String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", date, "h", hash);

            var result = hmac.verify(new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", "h", 443, date, hash, auth, new byte[0]),
                    List.of(KEY));

            assertThat(result.failure()).as(date).contains(Failure.STALE_DATE);
        }
    }

    @Test
    void acceptsTheSecondaryKeyAndSaysWhichKeyMatched() {
        String other = Base64.getEncoder().encodeToString(new byte[32]);
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", DATE, "h", hash);

        var result = hmac.verify(new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", "h", 443, DATE, hash, auth, new byte[0]),
                List.of(other, KEY));

        assertThat(result.ok()).isTrue();
        assertThat(result.keyIndex()).isEqualTo(1);
    }

    @Test
    void refusesASignatureMadeWithAnotherKeyOrOverAnotherPath() {
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", DATE, "h", hash);

        var otherPath = hmac.verify(new SignedRequest("DELETE", "/identities/y?api-version=2022-10-01", "h", 443, DATE, hash, auth, new byte[0]),
                List.of(KEY));
        var otherKey = hmac.verify(new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", "h", 443, DATE, hash, auth, new byte[0]),
                List.of(Base64.getEncoder().encodeToString(new byte[32])));

        assertThat(otherPath.failure()).contains(Failure.BAD_SIGNATURE);
        assertThat(otherKey.failure()).contains(Failure.BAD_SIGNATURE);
    }

    @Test
    void refusesMissingAndMalformedHeaders() {
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        var missing = hmac.verify(new SignedRequest("GET", "/", "h", 443, null, hash, "x", new byte[0]), List.of(KEY));
        var malformed = hmac.verify(new SignedRequest("GET", "/", "h", 443, DATE, hash, "Bearer abc", new byte[0]), List.of(KEY));
        var badDate = hmac.verify(new SignedRequest("GET", "/", "h", 443, "yesterday", hash,
                "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc=", new byte[0]), List.of(KEY));

        assertThat(missing.failure()).contains(Failure.MISSING_HEADERS);
        assertThat(malformed.failure()).contains(Failure.MALFORMED_AUTHORIZATION);
        assertThat(badDate.failure()).contains(Failure.BAD_DATE);
    }

    @Test
    void theSameSignedRequestIsAcceptedOnlyOnce() {
        HmacAuthenticator guarded = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of(), () -> "porta.example", 100);
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", DATE, "porta.example", hash);
        var request = new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", "porta.example", 443, DATE, hash, auth, new byte[0]);

        assertThat(guarded.verify(request, List.of(KEY)).ok()).isTrue();
        clock.advance(Duration.ofMinutes(6)); // signed at 10:00, now 10:09: still inside the skew
        assertThat(guarded.verify(request, List.of(KEY)).failure()).contains(Failure.REPLAYED);
    }

    @Test
    void theReplayMemoryIsBoundedAndForgetsWhatTheDateCheckRefusesAnyway() {
        SeenSignatures seen = new SeenSignatures(2, Duration.ofMinutes(10));
        Instant t = clock.instant();
        assertThat(seen.firstTime("a", t)).isTrue();
        assertThat(seen.firstTime("a", t)).isFalse();
        assertThat(seen.firstTime("b", t)).isTrue();
        assertThat(seen.firstTime("c", t)).isTrue(); // forgets "a", the oldest

        assertThat(seen.firstTime("c", t.plus(Duration.ofMinutes(19)))).isFalse();
        assertThat(seen.firstTime("c", t.plus(Duration.ofMinutes(20)))).isTrue();
    }

    @ParameterizedTest(name = "Host {0} signed as {1}")
    @CsvSource({"anything.example, anything.example", "evil.example:8443, evil.example:8443", "evil.example, localhost.evil.example"})
    void aSignatureOverAHostThatIsNotThisServersIsRefused(String hostHeader, String signedHost) {
        HmacAuthenticator bound = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of("identity.contoso.example"),
                () -> "porta.example:8443", 0);
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", DATE, signedHost, hash);

        var result = bound.verify(new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", hostHeader, 8443, DATE, hash, auth,
                new byte[0]), List.of(KEY));

        assertThat(result.failure()).contains(Failure.BAD_SIGNATURE);
    }

    @ParameterizedTest(name = "signed for {0}")
    @CsvSource({"porta.example, internal:8443", "porta.example:8443, porta.example:8443", "identity.contoso.example, x",
            "localhost:8443, localhost:8443"})
    void thePublicHostSignedHostsAndLoopbackNamesAreThisServers(String signedHost, String hostHeader) {
        HmacAuthenticator bound = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of("identity.contoso.example"),
                () -> "porta.example:8443", 0);
        String hash = HmacAuthenticator.contentHash(new byte[0]);
        String auth = HmacAuthenticator.authorizationHeader(KEY, "DELETE", "/identities/x?api-version=2022-10-01", DATE, signedHost, hash);

        var result = bound.verify(new SignedRequest("DELETE", "/identities/x?api-version=2022-10-01", hostHeader, 8443, DATE, hash, auth,
                new byte[0]), List.of(KEY));

        assertThat(result.ok()).isTrue();
    }
}
