// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own: {@code initdb} into a temporary directory with the Debian binaries
 * ({@code /usr/lib/postgresql/<version>/bin}), trust authentication, listening on a free port of 127.0.0.1
 * only (no Unix socket outside its directory). The test stops it the hard way ({@code pg_ctl stop -m
 * immediate}: every backend killed, no checkpoint) and starts it again (crash recovery). As root (CI)
 * PostgreSQL runs as the {@code postgres} user, since it refuses to run as root. Skips loudly (or fails under
 * porta.require) when the binaries are absent.
 */
final class OwnPostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private OwnPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    static OwnPostgres start() throws Exception {
        Path bin = binaries();
        RequiredService.require("postgresql", bin != null,
                "Install PostgreSQL's server binaries (apt-get install postgresql: /usr/lib/postgresql/*/bin/initdb; .ci/run does this)");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("porta-chaos-pg-");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        OwnPostgres pg = new OwnPostgres(bin, dir, OwnRedis.freePort(), root);
        pg.asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                "--no-sync", "-E", "UTF8"));
        pg.begin();
        // a test JVM stopped half-way (Maven interrupted) must not leave the server behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception ignored) {
                // closed already
            }
        }));
        return pg;
    }

    /** The newest /usr/lib/postgresql/N/bin that has initdb and pg_ctl; null when none. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())))
                    .orElse(null);
        }
    }

    private static int versionOf(String name) {
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** pg_ctl stop -m immediate: the server and every backend are gone at once, as after a crash. */
    void stopImmediately() throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "-t", "30"));
    }

    /** Starts it again (crash recovery first) and waits until it accepts connections. */
    void begin() throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "start", "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("log").toString(),
                "-o", "-h 127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off -c max_connections=60"));
    }

    private void asOwner(List<String> command) throws Exception {
        List<String> c = new ArrayList<>();
        if (asPostgresUser) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(command);
        run(c);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out));
        }
    }

    @Override
    public void close() throws Exception {
        if (!Files.isDirectory(dir)) {
            return; // closed already
        }
        try {
            stopImmediately();
        } catch (IllegalStateException alreadyStopped) {
            // stopped by the test and not started again
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
