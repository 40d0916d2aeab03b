// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review findings L5 and M8 on the wired server: every surface carries the hardening headers, and the
 * example pages that join from URL parameters are not served unless configured.
 */
class SecurityHeadersTest {
    static RunningPorta porta;
    static RunningPorta withExamples;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start(Map.of("directory.admin-key", "admin-key-for-the-header-test-0123456789"), Clock.systemUTC());
        withExamples = RunningPorta.start(Map.of("web.examples-enabled", "true"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (porta != null) {
            porta.close();
        }
        if (withExamples != null) {
            withExamples.close();
        }
    }

    private static HttpResponse<String> send(RunningPorta p, String method, String path) throws Exception {
        var body = method.equals("POST") ? HttpRequest.BodyPublishers.ofString("grant_type=nonsense") : HttpRequest.BodyPublishers.noBody();
        return p.httpClient().send(HttpRequest.newBuilder(URI.create(p.baseUrl() + path)).method(method, body)
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everySurfaceForbidsFramingInlineScriptSniffingAndReferrersAndPinsHttps() throws Exception {
        String tenant = porta.demo().get("tenantId").asText();
        List<String[]> surfaces = List.of(
                new String[] {"GET", "app/"},
                new String[] {"GET", "app/app.js"},
                new String[] {"GET", "app/config.json"},
                new String[] {"GET", "admin/"},
                new String[] {"GET", "admin/admin.js"},
                new String[] {"GET", "admin/config.json"},
                new String[] {"GET", "admin/v1/me"},
                new String[] {"GET", "sdk/porta-calling.js"},
                new String[] {"GET", "examples/minimal-join.html"},
                new String[] {"GET", "l/meetup-join/19%3ameeting_abcdefghijklmnopqrst%40thread.v2/0"},
                new String[] {"GET", "v1.0/me/onlineMeetings"},
                new String[] {"POST", "identities?api-version=2023-10-01"},
                new String[] {"POST", tenant + "/oauth2/v2.0/token"},
                new String[] {"GET", tenant + "/v2.0/.well-known/openid-configuration"},
                new String[] {"GET", "communication/jwks"},
                new String[] {"GET", "admin/v1/tenants"},
                new String[] {"GET", "calling/v1"},
                new String[] {"GET", "no/such/thing"});
        for (String[] s : surfaces) {
            var r = send(porta, s[0], s[1]);
            String what = s[0] + " /" + s[1] + " (" + r.statusCode() + ")";
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(what).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("frame-ancestors 'none'").contains("object-src 'none'").doesNotContain("unsafe-inline")
                    .containsAnyOf("script-src 'self'", "default-src 'none'"));
            assertThat(r.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(what).hasValue("max-age=31536000");
        }
    }

    @Test
    void theSignInPageKeepsItsOwnStricterPolicy() throws Exception {
        String tenant = porta.demo().get("tenantId").asText();
        var r = send(porta, "GET", tenant + "/oauth2/v2.0/authorize?client_id=x");
        assertThat(r.headers().allValues("Content-Security-Policy")).containsExactly(
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    }

    @Test
    void theAppPagesHaveNoInlineScriptForTheirPolicyToBlock() throws Exception {
        for (RunningPorta p : List.of(withExamples)) {
            for (String page : List.of("app/", "admin/", "examples/minimal-join.html")) {
                String html = send(p, "GET", page).body();
                assertThat(html).as(page).containsPattern("<script type=\"module\" src=\"/[a-z/-]+\\.js\"></script>")
                        .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain("<style").doesNotContain(" style=");
            }
        }
    }

    @Test
    void theExamplePagesAreNotServedByDefaultHoweverTheAddressIsWritten() throws Exception {
        for (String path : List.of("examples/minimal-join.html", "examples/minimal-join.js", "examples/", "%65xamples/minimal-join.html",
                "Examples/minimal-join.html", "sdk/../examples/minimal-join.html", "/examples/minimal-join.html")) {
            var r = send(porta, "GET", path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("porta-calling");
        }
        assertThat(send(porta, "GET", "sdk/porta-calling.js").statusCode()).isEqualTo(200);
        assertThat(send(porta, "GET", "app/").statusCode()).isEqualTo(200);
    }

    @Test
    void theExamplePagesAreServedWhenEnabled() throws Exception {
        var page = send(withExamples, "GET", "examples/minimal-join.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("minimal-join.js");
        assertThat(send(withExamples, "GET", "examples/minimal-join.js").statusCode()).isEqualTo(200);
    }

    @Test
    void hstsCanBeTurnedOff() {
        try (var noHsts = RunningPorta.start(Map.of("http.hsts-max-age", "0s"), Clock.systemUTC())) {
            var r = send(noHsts, "GET", "app/");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
