// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real coturn (Debian's {@code turnserver}) on 127.0.0.1 and a free port, run by the test with the
 * configuration {@link CoturnConfig} renders (what {@code porta admin turn-config} prints), plus only
 * what a test needs: its own pid file, database and log.
 */
final class RealCoturn implements AutoCloseable {
    static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    final int port;
    final Path dir;
    private final Process process;

    private RealCoturn(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static RealCoturn start(String secret) throws Exception {
        RequiredService.require("coturn", Files.isExecutable(TURNSERVER),
                "Install Debian's coturn: apt-get install -y coturn");
        int port = freePort();
        int relay = 40000 + (int) (ProcessHandle.current().pid() % 20000);
        CoturnConfig c = new CoturnConfig("porta.test", List.of("127.0.0.1"), port, 0, null, null, relay,
                Math.min(65535, relay + 50), List.of(), List.of("127.0.0.1"));
        Path dir = Files.createTempDirectory("porta-coturn-");
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, c.render(secret) + "relay-ip=127.0.0.1\npidfile=" + dir.resolve("turnserver.pid")
                + "\nuserdb=" + dir.resolve("turndb") + "\nlog-file=stdout\nsimple-log\n");
        Process p = new ProcessBuilder(TURNSERVER.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
        return new RealCoturn(port, dir, p);
    }

    /** A port free for both UDP and TCP at the moment of asking. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int p = u.getLocalPort();
                try (ServerSocket t = new ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    String log() {
        try {
            return Files.readString(dir.resolve("turnserver.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
