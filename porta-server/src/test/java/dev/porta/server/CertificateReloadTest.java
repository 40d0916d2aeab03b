// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A certificate renewed on disk the way certbot does it (new files under {@code archive/}, the
 * {@code live/} symlinks re-pointed) is served to new TLS clients without a restart; a broken renewal
 * is refused with a warning and the old certificate keeps serving. The client is the JDK's TLS stack,
 * handshaking with the running Porta and reading the certificate it was shown.
 */
class CertificateReloadTest {
    private static final String NAME = "meet.example.com";
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(CertificateReloader.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(CertificateReloader.class)).detachAppender(log);
    }

    /**
     * The whole path of docs/deployment.md's "Certificate" section: certbot renews, the page's deploy hook
     * copies the files, Porta (with the page's tls.* keys) serves the new certificate.
     */
    @Test
    void aCertificateRenewedByCertbotIsServedToNewClientsWithoutARestart(@TempDir Path etc) throws Exception {
        TestCertificates certs = new TestCertificates();
        Certbot certbot = new Certbot(etc, NAME);
        Path portaTls = etc.resolve("porta/tls");
        List<String> snippets = DeploymentDoc.blocks(Path.of(".."), "## Certificate");
        String hook = DeploymentDoc.swap(snippets.get(0), Map.of(
                "/etc/letsencrypt/live/meet.example.com", certbot.live.toString(),
                "/etc/porta/tls", portaTls.toString(),
                "-o porta -g porta", "-o " + whoAmI("-un") + " -g " + whoAmI("-gn")));
        Map<String, String> keys = new HashMap<>();
        DeploymentDoc.keys(snippets.get(1)).forEach((k, v) -> keys.put(k, v.replace("/etc/porta/tls", portaTls.toString())));
        assertThat(keys).containsOnlyKeys("tls.certificate-file", "tls.private-key-file", "tls.reload-interval");
        keys.put("tls.reload-interval", "200ms"); // the page's 1m, shortened for the test

        TestCertificates.Issued first = certs.issue(NAME, BigInteger.valueOf(0x1001), Duration.ofDays(90));
        certbot.renew(first.chainPem(), first.keyPem());
        certbot.runDeployHook(hook);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(portaTls.resolve("privkey.pem"))))
                .isEqualTo("rw-------");
        try (RunningPorta porta = RunningPorta.start(keys, Clock.systemUTC())) {
            assertThat(certs.servedBy(porta).getSerialNumber()).isEqualTo(BigInteger.valueOf(0x1001));

            TestCertificates.Issued second = certs.issue(NAME, BigInteger.valueOf(0x2002), Duration.ofDays(90));
            certbot.renew(second.chainPem(), second.keyPem());
            certbot.runDeployHook(hook);

            waitUntil(() -> certs.servedBy(porta).getSerialNumber().equals(BigInteger.valueOf(0x2002)));
            assertThat(certs.servedBy(porta).getSubjectX500Principal().getName()).isEqualTo("CN=" + NAME);
            assertThat(metric(porta, certs, "porta_tls_certificate_reloads_total{result=\"reloaded\"}")).isEqualTo(1.0);
            assertThat(metric(porta, certs, "porta_tls_certificate_not_after_seconds"))
                    .isEqualTo((double) certs.servedBy(porta).getNotAfter().toInstant().getEpochSecond());
            assertThat(messages()).anyMatch(m -> m.contains("reloaded the HTTPS certificate") && m.contains("serial 2002"));
        }
    }

    private static String whoAmI(String flag) throws Exception {
        Process p = new ProcessBuilder("id", flag).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void aBrokenRenewalIsRefusedAndTheOldCertificateKeepsServing(@TempDir Path etc) throws Exception {
        TestCertificates certs = new TestCertificates();
        Certbot certbot = new Certbot(etc, NAME);
        TestCertificates.Issued first = certs.issue(NAME, BigInteger.valueOf(0x1001), Duration.ofDays(90));
        certbot.renew(first.chainPem(), first.keyPem());
        try (RunningPorta porta = RunningPorta.start(certbot.keys("200ms"), Clock.systemUTC())) {
            String refused = "porta_tls_certificate_reloads_total{result=\"refused\"}";

            // a key from another issuance: the pair does not belong together
            TestCertificates.Issued other = certs.issue(NAME, BigInteger.valueOf(0x3003), Duration.ofDays(90));
            TestCertificates.Issued third = certs.issue(NAME, BigInteger.valueOf(0x4004), Duration.ofDays(90));
            certbot.renew(third.chainPem(), other.keyPem());
            waitUntil(() -> metric(porta, certs, refused) == 1.0);
            assertThat(certs.servedBy(porta).getSerialNumber()).isEqualTo(BigInteger.valueOf(0x1001));
            assertThat(messages()).anyMatch(m -> m.contains("refused the changed certificate files")
                    && m.contains("does not match") && m.contains("still serving the certificate with subject CN=" + NAME + ", serial 1001"));

            // a truncated, unparsable chain
            certbot.renew(third.chainPem().substring(0, 200), third.keyPem());
            waitUntil(() -> metric(porta, certs, refused) == 2.0);
            assertThat(certs.servedBy(porta).getSerialNumber()).isEqualTo(BigInteger.valueOf(0x1001));

            // an already expired certificate with its own key
            TestCertificates.Issued expired = certs.issue(NAME, BigInteger.valueOf(0x5005), Duration.ofDays(-1));
            certbot.renew(expired.chainPem(), expired.keyPem());
            waitUntil(() -> metric(porta, certs, refused) == 3.0);
            assertThat(certs.servedBy(porta).getSerialNumber()).isEqualTo(BigInteger.valueOf(0x1001));

            // the watcher is still alive: a good pair after the bad ones goes into service
            certbot.renew(third.chainPem(), third.keyPem());
            waitUntil(() -> certs.servedBy(porta).getSerialNumber().equals(BigInteger.valueOf(0x4004)));
            assertThat(metric(porta, certs, refused)).isEqualTo(3.0);
        }
    }

    @Test
    void aMismatchedPairStopsStartUpNamingTheKeyFile(@TempDir Path etc) throws Exception {
        TestCertificates certs = new TestCertificates();
        Certbot certbot = new Certbot(etc, NAME);
        certbot.renew(certs.issue(NAME, BigInteger.ONE, Duration.ofDays(90)).chainPem(),
                certs.issue(NAME, BigInteger.TWO, Duration.ofDays(90)).keyPem());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningPorta.start(certbot.keys("1m"), Clock.systemUTC()).close())
                .hasMessageContaining("tls.private-key-file does not match the first certificate of tls.certificate-file");
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static double metric(RunningPorta porta, TestCertificates certs, String series) {
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(certs.trustingAll()).build();
            String body = client.send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim());
                }
            }
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition met within 15 s").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    /** certbot's layout: archive/NAME/fullchainN.pem and privkeyN.pem, live/NAME/*.pem symlinks to the newest. */
    private static final class Certbot {
        private final Path archive;
        final Path live;
        private int generation;

        Certbot(Path etc, String name) throws Exception {
            this.archive = Files.createDirectories(etc.resolve("letsencrypt/archive").resolve(name));
            this.live = Files.createDirectories(etc.resolve("letsencrypt/live").resolve(name));
        }

        void renew(String chainPem, String keyPem) throws Exception {
            generation++;
            Files.writeString(archive.resolve("fullchain" + generation + ".pem"), chainPem);
            Path key = archive.resolve("privkey" + generation + ".pem");
            Files.writeString(key, keyPem);
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            relink("fullchain.pem", "fullchain" + generation + ".pem");
            relink("privkey.pem", "privkey" + generation + ".pem");
        }

        /** As certbot does: a new link beside the old one, renamed over it (atomic). */
        private void relink(String link, String target) throws Exception {
            Path tmp = live.resolve(link + ".new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, live.relativize(archive.resolve(target)));
            Files.move(tmp, live.resolve(link), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        /** Runs a deploy hook as certbot does after a renewal: RENEWED_LINEAGE is the live/ directory. */
        void runDeployHook(String script) throws Exception {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
            pb.environment().put("RENEWED_LINEAGE", live.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("deploy hook output: " + out).isZero();
        }

        Map<String, String> keys(String reloadInterval) {
            return Map.of("tls.certificate-file", live.resolve("fullchain.pem").toString(),
                    "tls.private-key-file", live.resolve("privkey.pem").toString(),
                    "tls.reload-interval", reloadInterval);
        }
    }
}
