// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL and Redis for browser tests. The browser tests run in a loopback-only network namespace,
 * where the machine's PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) cannot be reached; this
 * starts private ones on those same addresses (real servers, empty, fsync off, for this test only),
 * so TestDatabases and TestRedis find them as they would outside. Where something already answers (a
 * run outside a namespace), nothing is started. Starting PostgreSQL needs root (initdb runs as user
 * postgres through runuser); without it, nothing is started and the test skips on the missing service.
 */
public final class NamespaceServices implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    private NamespaceServices() { }

    public static NamespaceServices startWhereAbsent() {
        NamespaceServices s = new NamespaceServices();
        try {
            if (!answers(6379) && Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
                s.start(List.of("/usr/bin/redis-server", "--port", "6379", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
                s.awaitPort(6379);
            }
            Path postgres = postgresBin();
            if (!answers(5432) && postgres != null && Files.isExecutable(Path.of("/usr/sbin/runuser"))
                    && "root".equals(System.getProperty("user.name"))) {
                Path dir = Files.createTempDirectory("porta-pg-");
                s.dirs.add(dir);
                run(List.of("chown", "postgres", dir.toString()));
                run(List.of("/usr/sbin/runuser", "-u", "postgres", "--", postgres.resolveSibling("initdb").toString(), "-D",
                        dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"));
                s.start(List.of("/usr/sbin/runuser", "-u", "postgres", "--", postgres.toString(), "-D", dir.resolve("data").toString(),
                        "-h", "127.0.0.1", "-p", "5432", "-k", dir.toString(), "-F"));
                s.awaitPort(5432);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static Path postgresBin() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin/postgres")).filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> p.getParent().getParent().getFileName().toString())).orElse(null);
        }
    }

    private void start(List<String> command) throws IOException {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(command.getFirst() + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void awaitPort(int port) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("nothing answers on 127.0.0.1:" + port + " 30 s after starting it");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Process p : processes.reversed()) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
