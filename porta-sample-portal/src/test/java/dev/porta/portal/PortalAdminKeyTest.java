// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** L10: the portal's admin key is long, and guessing it from one address stops after a few tries. */
class PortalAdminKeyTest {
    private static final String ADMIN_KEY = "Jq0yX3bV8nR2sT6wZ1cF4hK7mP9dL5gA";
    private static final String BODY = "{\"organizerId\":\"o-1\",\"meetingLink\":\"https://porta.example/l/meetup-join/x\"}";
    private final HttpClient http = HttpClient.newHttpClient();
    private PortalServer portal;

    private static PortalConfig config(String adminKey) {
        // Porta is never called here: only the invitation endpoint, which needs no Porta.
        String accessKey = Base64.getEncoder().encodeToString(new byte[64]);
        return new PortalConfig("https://127.0.0.1:9/", Optional.empty(), "tenant", "client", "secret",
                "endpoint=https://127.0.0.1:9/;accesskey=" + accessKey,
                "the portal's secret, thirty-two bytes or more".getBytes(StandardCharsets.UTF_8), adminKey, 0, 5, Duration.ofSeconds(12));
    }

    @BeforeEach
    void start() throws Exception {
        // a clock that stands still: no allowance comes back during the test
        portal = PortalServer.start(config(ADMIN_KEY), Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        portal.close();
    }

    private int create(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(portal.baseUrl() + "admin/invitations"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void guessingTheAdminKeyStopsAfterTheAllowanceAndEvenTheRightKeyIsNotComparedThen() throws Exception {
        int refused = 0;
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            int status = create("guess-" + i);
            refused += status == 401 ? 1 : 0;
            throttled += status == 429 ? 1 : 0;
        }

        assertThat(refused).isEqualTo(PortalServer.ADMIN_FAILURE_BURST);
        assertThat(throttled).isEqualTo(40 - PortalServer.ADMIN_FAILURE_BURST);
        assertThat(create(ADMIN_KEY)).isEqualTo(429); // a lucky guess now would not be recognised
    }

    @Test
    void theRightKeyIsNeverThrottledByItsOwnUse() throws Exception {
        for (int i = 0; i < 3 * PortalServer.ADMIN_FAILURE_BURST; i++) {
            assertThat(create(ADMIN_KEY)).isEqualTo(200);
        }
    }

    @Test
    void aShortAdminKeyIsRefusedAtStart() {
        assertThatThrownBy(() -> config("admin-key")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PORTAL_ADMIN_KEY").hasMessageContaining("32 bytes");
    }
}
