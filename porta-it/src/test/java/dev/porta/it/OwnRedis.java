// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A redis-server of the test's own on a free port of 127.0.0.1, without persistence (no RDB, no AOF): killed
 * and started again, it comes back empty, as a Redis restarted without persistence does. Skips loudly (or
 * fails under porta.require) when redis-server is not installed.
 */
final class OwnRedis implements AutoCloseable {
    private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    private final int port;
    private volatile Process process;

    private OwnRedis(int port) throws Exception {
        this.port = port;
        this.process = launch();
        // a test JVM stopped half-way (Maven interrupted) must not leave the server behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> process.destroyForcibly()));
    }

    static OwnRedis start() throws Exception {
        RequiredService.require("redis", Files.isExecutable(REDIS_SERVER),
                "Install redis-server (apt-get install redis-server; .ci/run does this)");
        return new OwnRedis(freePort());
    }

    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** SIGKILL: gone at once, nothing written anywhere. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts it again on the same port: empty. */
    void restart() throws Exception {
        process = launch();
    }

    private Process launch() throws Exception {
        Process p = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
