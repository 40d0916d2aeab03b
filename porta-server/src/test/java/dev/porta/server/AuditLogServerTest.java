// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log in a whole Porta: the client address a trusted proxy names, and the CLI's key rotation. */
class AuditLogServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "an-admin-key-that-is-at-least-32-bytes-long";

    @Test
    void anAdminChangeBehindATrustedProxyIsRecordedWithTheClientTheProxyNamesNotAForgedOne() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("directory.admin-key", ADMIN_KEY,
                "http.trusted-proxies", "127.0.0.1"), Clock.systemUTC())) {
            String policy = "admin/v1/tenants/" + DemoTenant.TENANT_ID + "/meeting-policy";
            assertThat(call(porta, "PUT", policy, "{\"allowAnonymousJoin\":false}", "198.51.100.66, 203.0.113.9").statusCode()).isEqualTo(200);

            var res = call(porta, "GET", "admin/v1/audit?action=MEETING_POLICY_CHANGED", null, "203.0.113.9");
            JsonNode event = JSON.readTree(res.body()).get("value").get(0);
            assertThat(event.get("clientAddress").asText()).as("the proxy's entry, not what the client wrote left of it").isEqualTo("203.0.113.9");
            assertThat(event.get("actor").asText()).isEqualTo("admin-key");
            assertThat(event.at("/details/allowAnonymousJoin").asText()).isEqualTo("true -> false");
        }
    }

    @Test
    void withoutATrustedProxyAForwardingHeaderDoesNotChooseTheRecordedAddress() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("directory.admin-key", ADMIN_KEY), Clock.systemUTC())) {
            call(porta, "GET", "admin/v1/tenants", null, "203.0.113.9", "a-wrong-key");
            var res = call(porta, "GET", "admin/v1/audit?action=ADMIN_KEY_REFUSED", null, "203.0.113.9");
            assertThat(JSON.readTree(res.body()).get("value")).singleElement()
                    .satisfies(e -> assertThat(e.get("clientAddress").asText()).isEqualTo("127.0.0.1"));
        }
    }

    @Test
    void aKeyRotationByTheCliIsInTheAuditLogItPrints(@TempDir Path dir) throws Exception {
        try (PortaServer server = PortaServer.start(Config.load("porta.conf", null, Map.of())
                .with(Map.of("data.dir", dir.toString(), "http.port", "0", "media.port", "0")), Clock.systemUTC())) {
            DemoTenant.seed(server);
        }
        RestartAndAdminTest.adminJsonWithStdin(dir, "", "admin", "rotate-key", "secondary", "--json");

        var out = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"admin", "audit", "--action", "access-key-rotated", "--data-dir", dir.toString()},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out), System.err)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines()).singleElement().satisfies(line -> {
            JsonNode e = JSON.readTree(line);
            assertThat(e.get("actor").asText()).startsWith("admin-cli");
            assertThat(e.at("/details/key").asText()).isEqualTo("secondary");
            assertThat(e.get("tenantId").asText()).isEqualTo(DemoTenant.TENANT_ID);
        });
    }

    @Test
    void aRetentionShorterThanADayStopsEveryCommandNamingTheKey(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("porta.conf");
        java.nio.file.Files.writeString(conf, "audit.retention = 1h\n");
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"admin", "tenants", "--config", conf.toString(), "--data-dir", dir.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("audit.retention").contains("between 1d and 3650d");
    }

    private static HttpResponse<String> call(RunningPorta porta, String method, String path, String body, String forwardedFor) throws Exception {
        return call(porta, method, path, body, forwardedFor, ADMIN_KEY);
    }

    private static HttpResponse<String> call(RunningPorta porta, String method, String path, String body, String forwardedFor, String key)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(porta.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor).build();
        return porta.httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
