// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** With http.metrics-token set, /metrics wants the token, even from this machine, and stops guessing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the guessing test locks this machine's address out
class MetricsAccessTest {
    private static final String TOKEN = "scrape-3f9c1d7a5e0b42c8a1d96e7f5b3c2a10";
    static RunningPorta porta;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start(Map.of("http.metrics-token", TOKEN, "directory.failed-secret-burst", "3"),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(porta.baseUrl() + "metrics"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return porta.httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void aScraperWithTheTokenGetsPrometheusTextAndOneWithoutItIsRefused() throws Exception {
        var withToken = scrape("Bearer " + TOKEN);
        var without = scrape(null);

        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains("jvm_memory_used_bytes");
        // what an operator watches for guests on bad networks (issue 12, item 7)
        assertThat(withToken.body()).contains("porta_media_ice_restarts_total", "porta_media_consent_failures_total",
                "porta_media_turn_credentials_issued_total", "porta_media_participants{transport=\"udp\"}",
                "porta_media_participants{transport=\"tcp\"}", "porta_media_participants{transport=\"relay\"}");
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(without.body()).contains("http.metrics-token").doesNotContain("jvm_");
    }

    @Test
    @Order(2)
    void wrongTokensAreRateLimitedAndTheRightOneWaitsToo() throws Exception {
        // burst 3: the request without a token in the first test used one of them
        assertThat(scrape("Bearer guess-1").statusCode()).isEqualTo(401);
        assertThat(scrape("Bearer guess-2").statusCode()).isEqualTo(401);

        var afterGuesses = scrape("Bearer " + TOKEN);

        assertThat(afterGuesses.statusCode()).isEqualTo(429);
        assertThat(afterGuesses.headers().firstValue("Retry-After")).isPresent();
        assertThat(afterGuesses.body()).doesNotContain("jvm_");
    }
}
