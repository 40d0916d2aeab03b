// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: the portal offers the guest page built from Microsoft's UI Library only when its bundle was built,
 * serves only the bundle's own files, and relaxes the style policy for that page alone.
 */
class UiLibraryPageTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private PortalServer portal;

    @TempDir
    Path dist;

    private void start(Optional<Path> bundle) throws Exception {
        // Porta is never called here: only static pages.
        String accessKey = Base64.getEncoder().encodeToString(new byte[64]);
        portal = PortalServer.start(new PortalConfig("https://127.0.0.1:9/", Optional.empty(), "tenant", "client", "secret",
                "endpoint=https://127.0.0.1:9/;accesskey=" + accessKey,
                "the portal's secret, thirty-two bytes or more".getBytes(StandardCharsets.UTF_8),
                "Jq0yX3bV8nR2sT6wZ1cF4hK7mP9dL5gA", 0, 5, Duration.ofSeconds(12), bundle), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(portal.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBuiltBundleIsTheAlternativeGuestPageWithItsScript() throws Exception {
        Files.writeString(dist.resolve("index.html"), "<html>composite</html>");
        Files.writeString(dist.resolve("guest.js"), "console.log('composite')");
        Files.writeString(dist.resolve("secret.txt"), "not for visitors");
        start(Optional.of(dist));

        HttpResponse<String> page = get("ui-library?inv=x.y");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<html>composite</html>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("style-src 'self' https://127.0.0.1:9 'unsafe-inline'")
                .contains("script-src 'self' https://127.0.0.1:9;");
        HttpResponse<String> script = get("ui-library/guest.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(get("ui-library/secret.txt").statusCode()).isEqualTo(404);
        assertThat(get("ui-library/..%2Fsecret.txt").statusCode()).isEqualTo(404);
        assertThat(get("ui-library/guest.css").statusCode()).as("no stylesheet was built").isEqualTo(404);
        assertThat(get("visit").headers().firstValue("Content-Security-Policy").orElseThrow())
                .as("the portal's own page keeps the strict style policy").doesNotContain("unsafe-inline");
    }

    @Test
    void withoutABuiltBundleThePageSaysItIsNotOffered() throws Exception {
        start(Optional.of(dist));
        HttpResponse<String> page = get("ui-library?inv=x.y");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("does not offer the UI Library page");
    }
}
