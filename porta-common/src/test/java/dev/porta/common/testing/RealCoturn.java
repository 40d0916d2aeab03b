// SPDX-License-Identifier: Apache-2.0
package dev.porta.common.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real coturn (Debian's {@code turnserver}) run by a test with the configuration porta-media's
 * {@code CoturnConfig} renders (what {@code porta admin turn-config} prints), plus only what a test needs:
 * its own relay address, pid file, database and log. Skips (or, with porta.require, fails) without coturn.
 */
public final class RealCoturn implements AutoCloseable {
    public static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    public final int port;
    final Path dir;
    private final Process process;

    private RealCoturn(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Skips (or fails) the calling test when coturn is not installed. */
    public static void require() {
        RequiredService.require("coturn", Files.isExecutable(TURNSERVER),
                "Install Debian's coturn: apt-get install -y coturn");
    }

    /** A relay port range of 50 ports for this test JVM. */
    public static int relayPortBase() {
        return 40000 + (int) (ProcessHandle.current().pid() % 20000);
    }

    /**
     * Starts coturn on 127.0.0.1:{@code port} with {@code config} (a rendered turnserver.conf listening
     * there), relaying from 127.0.0.1.
     */
    public static RealCoturn start(int port, String config, String... extraLines) throws Exception {
        return start("127.0.0.1", port, config, extraLines);
    }

    /**
     * As {@link #start(int, String, String...)}, relaying from {@code relayIp} (an address of this
     * namespace: where the relay's packets to the peers come from).
     */
    public static RealCoturn start(String relayIp, int port, String config, String... extraLines) throws Exception {
        require();
        Path dir = Files.createTempDirectory("porta-coturn-");
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, config + "relay-ip=" + relayIp + "\npidfile=" + dir.resolve("turnserver.pid")
                + "\nuserdb=" + dir.resolve("turndb") + "\nlog-file=stdout\nsimple-log\n"
                + String.join("\n", extraLines) + "\n");
        Process p = new ProcessBuilder(TURNSERVER.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
        return new RealCoturn(port, dir, p);
    }

    /** A port free for both UDP and TCP at the moment of asking. */
    public static int freePort() throws IOException {
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

    /** Waits until coturn accepts TCP connections on {@code address} (its TLS port, say), or fails with its log. */
    public void awaitListening(InetSocketAddress address) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(address, 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("coturn does not listen on " + address + ":\n" + log(), notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("turnserver.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** coturn's process id (to sample its CPU from /proc). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
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
