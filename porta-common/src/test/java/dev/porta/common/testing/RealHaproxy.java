// SPDX-License-Identifier: Apache-2.0
package dev.porta.common.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy}) run by a test in the foreground with a configuration the test
 * gives it, and a TLS certificate of its own made with {@code openssl} for {@code localhost} and
 * 127.0.0.1. Skips (or, with porta.require, fails) without haproxy or openssl.
 */
public final class RealHaproxy implements AutoCloseable {
    public static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private final Path dir;
    private final Process process;

    private RealHaproxy(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Skips (or fails) the calling test when HAProxy or openssl is not installed. */
    public static void require() {
        RequiredService.require("haproxy", Files.isExecutable(HAPROXY) && Files.isExecutable(OPENSSL),
                "Install Debian's haproxy and openssl: apt-get install -y haproxy openssl");
    }

    /** A fresh directory for one proxy: its certificate and configuration go there. */
    public static Path newDirectory() throws IOException {
        return Files.createTempDirectory("porta-haproxy-");
    }

    /**
     * Makes a self-signed certificate for localhost, 127.0.0.1 and {@code moreAddresses} in {@code dir}:
     * {@code proxy-cert.pem} (what clients trust) and {@code proxy.pem} (certificate and key, as HAProxy's
     * {@code crt} wants).
     */
    public static Path certificate(Path dir, String... moreAddresses) throws Exception {
        StringBuilder names = new StringBuilder("subjectAltName=DNS:localhost,IP:127.0.0.1");
        for (String a : moreAddresses) {
            names.append(",IP:").append(a);
        }
        Path cert = dir.resolve("proxy-cert.pem");
        Path key = dir.resolve("proxy-key.pem");
        run(List.of(OPENSSL.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", names.toString(),
                "-keyout", key.toString(), "-out", cert.toString()), dir);
        Path combined = dir.resolve("proxy.pem");
        Files.writeString(combined, Files.readString(cert) + Files.readString(key));
        return cert;
    }

    /**
     * Checks {@code config} with {@code haproxy -c}, then runs HAProxy with it in the foreground and waits
     * until {@code listening} accepts connections.
     */
    public static RealHaproxy start(Path dir, String config, InetSocketAddress listening) throws Exception {
        require();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        run(List.of(HAPROXY.toString(), "-c", "-q", "-f", cfg.toString()), dir);
        Process p = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        RealHaproxy proxy = new RealHaproxy(dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(listening, 500);
                return proxy;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String log = proxy.log();
                    proxy.close();
                    throw new IllegalStateException("haproxy did not come up on " + listening + ":\n" + log);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void run(List<String> command, Path dir) throws Exception {
        Path out = dir.resolve("command.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(out));
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
