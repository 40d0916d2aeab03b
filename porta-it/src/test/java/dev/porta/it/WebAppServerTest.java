// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the browser apps need from the server, checked without a browser. */
class WebAppServerTest {
    static RunningPorta porta;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMembersAppLearnsWhichRegistrationToSignInWith() throws Exception {
        var r = get("app/config.json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var config = new ObjectMapper().readTree(r.body());
        assertThat(config.get("tenantId").asText()).isEqualTo(porta.demo().get("tenantId").asText());
        assertThat(config.get("clientId").asText()).isEqualTo(porta.demo().at("/webApp/clientId").asText());
        assertThat(config.get("redirectUri").asText()).isEqualTo(porta.baseUrl() + "app/");
        assertThat(get("app/").body()).contains("<script type=\"module\" src=\"/app/app.js\">");
    }

    @Test
    void openingAJoinLinkInABrowserLeadsToTheAppsJoinPage() throws Exception {
        String link = porta.baseUrl() + "l/meetup-join/19%3ameeting_abcdefghijklmnopqrst%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d";
        var r = porta.httpClient().send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/app/#join=");
        assertThat(URLDecoder.decode(location.substring("/app/#join=".length()), StandardCharsets.UTF_8)).isEqualTo(link);
    }

    @Test
    void theSamplePortalsPagesCarryTheHardeningHeadersAndAllowOnlyPortaBesidesThemselves() throws Exception {
        var demo = porta.demo();
        try (var portal = dev.porta.portal.PortalServer.start(new dev.porta.portal.PortalConfig(porta.baseUrl(),
                java.util.Optional.of(porta.certificatePem()), demo.get("tenantId").asText(), demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText(), porta.connectionString(),
                "a portal secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8), "a portal admin key of at least thirty-two bytes", 0, 5,
                java.time.Duration.ofSeconds(1)), java.time.Clock.systemUTC())) {
            for (String path : java.util.List.of("visit", "portal.js", "portal.css", "api/porta", "nothing-here")) {
                var r = porta.httpClient().send(HttpRequest.newBuilder(URI.create(portal.baseUrl() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String portaOrigin = porta.baseUrl().replaceAll("/$", "");
                assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp -> assertThat(csp)
                        .contains("script-src 'self' " + portaOrigin + ";").contains("frame-ancestors 'none'").doesNotContain("unsafe"));
                assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
                assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            }
            var page = porta.httpClient().send(HttpRequest.newBuilder(URI.create(portal.baseUrl() + "visit")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).doesNotContain("<style").doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        }
    }

    @Test
    void aCustomApplicationOnAnotherOriginMayLoadTheLibrary() throws Exception {
        var r = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "sdk/porta-calling.js"))
                .header("Origin", "http://127.0.0.1:8090").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }
}
