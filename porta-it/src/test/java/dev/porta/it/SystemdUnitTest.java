// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.RequiredService;
import dev.porta.server.DeploymentDoc;
import dev.porta.server.TestCertificates;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/deployment.md's porta.service, as systemd would take it: {@code systemd-analyze verify} accepts
 * it, and its ExecStart line (only the jar and configuration paths replaced) starts Porta with the page's
 * porta.conf, serves the configured certificate, and stops on SIGTERM within TimeoutStopSec with an exit
 * status the unit counts as success.
 */
class SystemdUnitTest {
    private static final Path REPO = Path.of("..");
    private static final Path JAR = REPO.resolve("porta-server/target/porta.jar").toAbsolutePath().normalize();
    private final TestCertificates certificates = newAuthority();

    private static TestCertificates newAuthority() {
        try {
            return new TestCertificates();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void systemdAcceptsTheGuidesServiceUnit(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        RequiredService.require("systemd-analyze", Files.isExecutable(analyze), "apt-get install systemd");
        requireJar();
        Path unit = dir.resolve("porta.service");
        Files.writeString(unit, DeploymentDoc.swap(unit(), Map.of("/opt/porta/porta.jar", JAR.toString(),
                "/etc/porta/porta.conf", writeConf(dir, 0).toString())));
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        // systemd only warns (exit 0) about unknown keys and misspelt settings: any output is a finding
        assertThat(out).isEmpty();
    }

    @Test
    void theUnitsExecStartServesTheCertificateAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        requireJar();
        Map<String, List<String>> service = serviceKeys(unit());
        List<String> command = new ArrayList<>(Arrays.asList(service.get("ExecStart").getFirst().split(" ")));
        Path java = Path.of(command.getFirst());
        RequiredService.require("the JDK of the unit's ExecStart (" + java + ")", Files.isExecutable(java),
                "install Eclipse Temurin 25 (temurin-25-jdk) or change the guide's path");
        Path conf = writeConf(dir, 0x5e1f);
        command.replaceAll(a -> a.equals("/opt/porta/porta.jar") ? JAR.toString() : a.equals("/etc/porta/porta.conf") ? conf.toString() : a);
        assertThat(command).contains(JAR.toString(), conf.toString(), "serve");

        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PORTA_MEDIA_PORT", "0"); // not in the page's snippet; 10000 may be taken here
        Process porta = pb.start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture.runAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(porta.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                } catch (Exception ignored) {
                    // the process ended
                }
            });
            int port = awaitPort(lines, porta);
            assertThat(certificates.servedAt(port).getSerialNumber()).isEqualTo(BigInteger.valueOf(0x5e1f));

            porta.destroy(); // SIGTERM, as systemctl stop sends
            Duration stopTimeout = Duration.parse("PT" + service.get("TimeoutStopSec").getFirst().toUpperCase());
            assertThat(porta.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS))
                    .as("Porta stopped within TimeoutStopSec=" + stopTimeout).isTrue();
            List<String> success = new ArrayList<>(List.of("0"));
            success.addAll(service.getOrDefault("SuccessExitStatus", List.of()));
            assertThat(success).as("exit status counted as a clean stop").contains(String.valueOf(porta.exitValue()));
        } finally {
            porta.destroyForcibly();
        }
    }

    private static int awaitPort(LinkedBlockingQueue<String> lines, Process porta) throws InterruptedException {
        Pattern listening = Pattern.compile("Porta is listening on https://127\\.0\\.0\\.1:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                assertThat(porta.isAlive()).as("Porta exited early:\n" + seen).isTrue();
                continue;
            }
            seen.append(line).append('\n');
            Matcher m = listening.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("Porta did not start within 90 s:\n" + seen);
    }

    /** The page's porta.conf for the service, with the test's data directory, address, port and certificate. */
    private Path writeConf(Path dir, long serial) throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestCertificates.Issued cert = certificates.issue("meet.example.com", BigInteger.valueOf(Math.max(serial, 1)), Duration.ofDays(90));
        Files.writeString(tls.resolve("fullchain.pem"), cert.chainPem());
        Files.writeString(tls.resolve("privkey.pem"), cert.keyPem());
        Files.setPosixFilePermissions(tls.resolve("privkey.pem"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String conf = DeploymentDoc.swap(DeploymentDoc.blocks(REPO, "## Running Porta as a service").get(0), Map.of(
                "data.dir = /var/lib/porta", "data.dir = " + dir.resolve("data"),
                "http.host = 0.0.0.0", "http.host = 127.0.0.1",
                "http.port = 443", "http.port = 0",
                "/etc/porta/tls", tls.toString()));
        Path file = dir.resolve("porta.conf");
        Files.writeString(file, conf);
        return file;
    }

    private static String unit() {
        List<String> blocks = DeploymentDoc.blocks(REPO, "## Running Porta as a service");
        String unit = blocks.get(1);
        assertThat(unit).startsWith("[Unit]");
        return unit;
    }

    /** The [Service] section's settings (a setting given twice keeps both values, as systemd does for lists). */
    private static Map<String, List<String>> serviceKeys(String unit) {
        Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        boolean inService = false;
        for (String line : unit.split("\n")) {
            if (line.startsWith("[")) {
                inService = line.equals("[Service]");
            } else if (inService && !line.isBlank() && !line.startsWith("#")) {
                String[] kv = line.split("=", 2);
                keys.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
            }
        }
        return keys;
    }

    private static void requireJar() {
        RequiredService.require("porta.jar", Files.isRegularFile(JAR),
                "build it first (mvn -pl porta-it -am verify runs porta-server's package phase)");
    }
}
