// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerSmokeTest {
    static RunningPorta porta;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    @Test
    void healthReportsTheDatabaseOverTlsWithTheGeneratedCertificate() throws Exception {
        var response = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"database\":\"UP\"");
        assertThat(Files.readString(porta.certificatePem())).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void unknownRoutesAnswerTheErrorBodyWithoutAStackTrace() throws Exception {
        var response = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "no/such/thing")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("{\"error\":{\"code\":\"NotFound\"").doesNotContain("Exception");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void metricsExposeRequestTimersAndJvmGaugesInPrometheusFormat() throws Exception {
        porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "health")).build(), HttpResponse.BodyHandlers.discarding());

        var response = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        // no http.metrics-token here: a caller on this machine may scrape without one
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("http_server_requests_seconds_count").contains("jvm_memory_used_bytes");
    }

    @Test
    void demoTenantIsWrittenToDemoJsonWithAConnectionStringForThisServer() {
        assertThat(porta.connectionString()).startsWith("endpoint=" + porta.baseUrl() + ";accesskey=");
        assertThat(porta.demo().get("certificatePem").asText()).isEqualTo(porta.certificatePem().toAbsolutePath().toString());
    }

    @Test
    void servesTheBrowserCallingLibraryAsJavaScript() throws Exception {
        var response = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "sdk/porta-calling.js")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        assertThat(response.body()).contains("CallClient");
    }
}
