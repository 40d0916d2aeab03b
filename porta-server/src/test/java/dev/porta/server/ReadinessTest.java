// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Liveness against readiness: a node whose Redis (its own redis-server, started and killed here) is gone
 * stays alive but is not ready, so the load balancer sends new clients elsewhere; it is ready again
 * once Redis is back.
 */
class ReadinessTest {
    private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    @Test
    void aNodeThatLosesRedisIsAliveButNotReadyUntilRedisIsBack() throws Exception {
        RequiredService.require("redis", Files.isExecutable(REDIS_SERVER),
                "Install redis-server (apt-get install redis-server; .ci/run does this)");
        int port = freePort();
        Process redis = startRedis(port);
        try (RunningPorta porta = RunningPorta.start(Map.of("cluster.redis-url", "redis://127.0.0.1:" + port + "/0",
                "cluster.redis-timeout", "500ms"), Clock.systemUTC())) {
            assertThat(get(porta, "/health/ready")).isEqualTo("200 {\"status\":\"UP\",\"checks\":{\"database\":\"UP\",\"redis\":\"UP\"}}");

            redis.destroy();
            redis.waitFor();

            assertThat(get(porta, "/health/ready")).isEqualTo("503 {\"status\":\"DOWN\",\"checks\":{\"database\":\"UP\",\"redis\":\"DOWN\"}}");
            assertThat(get(porta, "/health")).startsWith("503 ");
            assertThat(get(porta, "/health/live")).isEqualTo("200 {\"status\":\"UP\"}");

            redis = startRedis(port);
            String ready = "";
            for (int i = 0; i < 100 && !ready.startsWith("200 "); i++) { // Lettuce reconnects on its own schedule
                Thread.sleep(100);
                ready = get(porta, "/health/ready");
            }
            assertThat(ready).startsWith("200 ");
        } finally {
            redis.destroy();
            redis.waitFor();
        }
    }

    @Test
    void aSingleNodeWithoutRedisIsReadyOnItsDatabaseAlone() throws Exception {
        try (RunningPorta porta = RunningPorta.start()) {
            assertThat(get(porta, "/health/ready")).isEqualTo("200 {\"status\":\"UP\",\"checks\":{\"database\":\"UP\"}}");
            assertThat(get(porta, "/health")).isEqualTo(get(porta, "/health/ready"));
        }
    }

    private static String get(RunningPorta porta, String path) throws Exception {
        HttpResponse<String> r = porta.httpClient().send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static Process startRedis(int port) throws Exception {
        Process p = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
