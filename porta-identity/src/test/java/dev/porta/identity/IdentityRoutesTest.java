// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.common.RateLimiter;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Identity API's HTTP surface in process, over plain HTTP on loopback, attacked the way the review probes it. */
class IdentityRoutesTest {
    private static final String PATH = "/identities?api-version=2023-10-01";
    private static final byte[] BODY = "{\"createTokenWithScopes\":[\"voip\"]}".getBytes(StandardCharsets.UTF_8);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabases.TestDatabase db;
    private Javalin app;
    private String host;
    private CommunicationResource resource;

    @BeforeEach
    void start() {
        db = TestDatabases.h2();
        var store = new JdbcIdentityStore(db.database(), clock, dev.porta.common.SecretBox.ephemeral());
        var identities = new IdentityService(store, new AccessTokenIssuer(new SigningKeyRing(store, clock)), clock);
        resource = identities.resourceFor("tenant");
        var hmac = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of(), () -> host, 1000);
        var routes = new IdentityRoutes(identities, hmac, new RateLimiter(3, Duration.ofMinutes(1), 1000, clock));
        app = LoopbackRoutes.start(routes::register);
        host = "127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        db.close();
    }

    @Test
    void aParallelBurstOfBadSignaturesGetsExactlyTheAllowanceChecked() throws Exception {
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        List<Integer> statuses = burst(100, i -> send(signed(wrongKey, HmacAuthenticator.formatDate(clock.instant()))).statusCode());

        assertThat(statuses).filteredOn(s -> s == 401).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(97);
    }

    @Test
    void aCapturedRequestSentAgainCreatesNothing() throws Exception {
        HttpRequest captured = signed(resource.primaryKey(), HmacAuthenticator.formatDate(clock.instant()));
        assertThat(send(captured).statusCode()).isEqualTo(201);

        clock.advance(Duration.ofMinutes(5));
        var replay = send(captured);

        assertThat(replay.statusCode()).isEqualTo(429);
        assertThat(replay.body()).contains("already received");
        assertThat(send(signed(resource.primaryKey(), HmacAuthenticator.formatDate(clock.instant()))).statusCode())
                .as("a freshly signed request").isEqualTo(201);
    }

    @Test
    void validRequestsDoNotUseUpTheAllowance() throws Exception {
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(send(signed(resource.primaryKey(), HmacAuthenticator.formatDate(clock.instant()))).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void aRequestSignedForAnotherHostIsRefusedWhateverHostItClaims() throws Exception {
        String date = HmacAuthenticator.formatDate(clock.instant());
        String hash = HmacAuthenticator.contentHash(BODY);
        String auth = HmacAuthenticator.authorizationHeader(resource.primaryKey(), "POST", PATH, date, "anything.example", hash);
        // The JDK client will not send a Host header of our choosing, so the verifier is asked directly.
        var result = new HmacAuthenticator(clock, Duration.ofMinutes(10), List.of(), () -> host, 1000).verify(
                new HmacAuthenticator.SignedRequest("POST", PATH, "anything.example", app.port(), date, hash, auth, BODY),
                resource.accessKeys());

        assertThat(result.failure()).contains(HmacAuthenticator.Failure.BAD_SIGNATURE);
    }

    private HttpRequest signed(String key, String date) {
        String hash = HmacAuthenticator.contentHash(BODY);
        return HttpRequest.newBuilder(URI.create("http://" + host + PATH))
                .header("x-ms-date", date).header("x-ms-content-sha256", hash).header("Content-Type", "application/json")
                .header("Authorization", HmacAuthenticator.authorizationHeader(key, "POST", PATH, date, host, hash))
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @FunctionalInterface
    private interface Attempt {
        int status(int i) throws Exception;
    }

    private static List<Integer> burst(int n, Attempt attempt) throws Exception {
        var start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.status(k);
                }));
            }
            start.countDown();
            List<Integer> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
