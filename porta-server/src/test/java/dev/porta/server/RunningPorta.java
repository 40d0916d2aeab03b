// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.Config;
import dev.porta.common.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Porta for end-to-end tests: HTTPS with its generated certificate on 127.0.0.1 and a free
 * port, a fresh temporary data directory, and the demo tenant seeded. The database is the embedded H2
 * in that directory, or ({@link #on}) a fresh PostgreSQL database dropped when Porta closes.
 */
public final class RunningPorta implements AutoCloseable {
    private final PortaServer server;
    private final JsonNode demo;
    private final Path dataDir;

    private final AutoCloseable database;

    private RunningPorta(PortaServer server, JsonNode demo, Path dataDir, AutoCloseable database) {
        this.server = server;
        this.demo = demo;
        this.dataDir = dataDir;
        this.database = database;
    }

    /** Starts Porta on a database by name: {@code h2} (embedded) or {@code postgresql}. */
    public static RunningPorta on(String database) {
        return on(database, Map.of(), Clock.systemUTC());
    }

    /**
     * Starts Porta on {@code h2} or {@code postgresql}: PostgreSQL is a fresh database on
     * 127.0.0.1:5432 (skipped loudly, or failed under porta.require, when there is none).
     */
    public static RunningPorta on(String database, Map<String, String> overrides, Clock clock) {
        return switch (database) {
            case "h2" -> start(overrides, clock);
            case "postgresql" -> {
                TestDatabases.EmptyPostgres pg = TestDatabases.emptyPostgres();
                Map<String, String> keys = new HashMap<>(Map.of("db.url", pg.url(), "db.user", pg.user(), "db.password", ""));
                keys.putAll(overrides);
                try {
                    yield start(keys, clock, pg);
                } catch (RuntimeException e) {
                    closeQuietly(pg);
                    throw e;
                }
            }
            default -> throw new IllegalArgumentException("unknown test database " + database);
        };
    }

    public static RunningPorta start() {
        return start(Map.of(), Clock.systemUTC());
    }

    /** Starts Porta with some config keys overridden (every key must exist in porta.conf). */
    public static RunningPorta start(Map<String, String> overrides, Clock clock) {
        return start(overrides, clock, () -> { });
    }

    /**
     * A second node of the same cluster as {@code first}: the same database (and whatever shared services
     * {@code overrides} name, such as {@code cluster.redis-url}) and the same master key, its own data
     * directory and ports; the demo tenant is {@code first}'s. Close it before {@code first}.
     */
    public static RunningPorta anotherNode(RunningPorta first, Map<String, String> overrides, Clock clock) {
        try {
            Path dataDir = Files.createTempDirectory("porta-test-");
            Map<String, String> keys = new HashMap<>(Map.of("data.dir", dataDir.toString(), "http.port", "0", "media.port", "0",
                    "http.host", "127.0.0.1", "secrets.master-key-file", first.dataDir().resolve("keys/master.key").toString()));
            keys.putAll(overrides);
            Config config = Config.load("porta.conf", null, Map.of()).with(keys);
            return new RunningPorta(PortaServer.start(config, clock), first.demo(), dataDir, () -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RunningPorta start(Map<String, String> overrides, Clock clock, AutoCloseable database) {
        try {
            Path dataDir = Files.createTempDirectory("porta-test-");
            Map<String, String> keys = new HashMap<>(Map.of("data.dir", dataDir.toString(), "http.port", "0", "media.port", "0",
                    "http.host", "127.0.0.1"));
            keys.putAll(overrides);
            Config config = Config.load("porta.conf", null, Map.of()).with(keys);
            PortaServer server = PortaServer.start(config, clock);
            DemoTenant.seed(server);
            // data.dir may be overridden (restart tests reuse one); demo.json is where the server wrote it.
            JsonNode demo = new ObjectMapper().readTree(server.dataDir().resolve("demo.json").toFile());
            return new RunningPorta(server, demo, dataDir, database);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PortaServer server() {
        return server;
    }

    /** The demo tenant's details, as {@code porta demo} writes them to demo.json. */
    public JsonNode demo() {
        return demo;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public String connectionString() {
        return demo.get("connectionString").asText();
    }

    public Path certificatePem() {
        return server.certificatePem();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** An SSL context that trusts exactly this server's certificate. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(certificatePem())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("porta", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK HTTP client that trusts this server. */
    public HttpClient httpClient() {
        return HttpClient.newBuilder().sslContext(sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Stands in for SIGKILL of this in-process node: heartbeats stop, then HTTP and media without a word to
     * anyone; nothing is released in Redis (leases and registration lapse after {@code cluster.lease}).
     */
    public void crash() {
        server.halt();
        closeQuietly(database);
    }

    @Override
    public void close() {
        server.close();
        closeQuietly(database);
    }

    private static void closeQuietly(AutoCloseable database) {
        try {
            database.close();
        } catch (Exception e) {
            System.err.println("could not drop the test database: " + e);
        }
    }
}
