// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a renewed certificate into service without a restart. Every {@code tls.reload-interval} it reads
 * {@code tls.certificate-file} and {@code tls.private-key-file} (following symlinks, as certbot's
 * {@code live/} directory is made of) and hashes their contents. Once a changed pair has stayed the same
 * for one more interval (certbot swaps the two links one after the other), it is parsed and checked; a
 * good pair replaces the certificate for new TLS handshakes, a bad one is refused with one warning and
 * the current certificate keeps serving. Connections already open keep the certificate they began with.
 */
final class CertificateReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);
    /** Larger files than this are no certificate chain or key; refusing them bounds what a poll reads. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private final Path certificateFile;
    private final Path keyFile;
    private final SslContextFactory.Server ssl;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Counter reloaded;
    private final Counter refused;
    private final AtomicReference<PemCertificate> serving;
    /** Fingerprint of the pair last acted on (served or refused): it is not looked at again. */
    private byte[] settled;
    /** Fingerprint seen on the previous poll that differs from {@link #settled}: tried once it repeats. */
    private byte[] pending;

    private CertificateReloader(TlsConfig config, SslContextFactory.Server ssl, MeterRegistry metrics, Clock clock,
            PemCertificate current, byte[] fingerprint) {
        this.certificateFile = config.certificateFile().orElseThrow();
        this.keyFile = config.privateKeyFile().orElseThrow();
        this.ssl = ssl;
        this.clock = clock;
        this.serving = new AtomicReference<>(current);
        this.settled = fingerprint;
        this.reloaded = Counter.builder("porta_tls_certificate_reloads").tag("result", "reloaded")
                .description("renewed HTTPS certificates put into service without a restart").register(metrics);
        this.refused = Counter.builder("porta_tls_certificate_reloads").tag("result", "refused")
                .description("changed certificate files refused (unparsable, key not matching, expired)").register(metrics);
        Gauge.builder("porta_tls_certificate_not_after_seconds", serving, s -> s.get() == null ? Double.NaN
                        : s.get().leaf().getNotAfter().toInstant().getEpochSecond())
                .description("end of validity of the HTTPS certificate being served (Unix seconds)").register(metrics);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "porta-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = config.reloadInterval().toMillis();
        timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts watching the files that {@code ssl} was set up from ({@code current}, read as {@code fingerprint}). */
    static CertificateReloader watch(TlsConfig config, SslContextFactory.Server ssl, MeterRegistry metrics, Clock clock,
            PemCertificate current, byte[] fingerprint) {
        LOG.info("tls: watching {} and {} for a renewed certificate every {} ms", config.certificateFile().orElseThrow().toAbsolutePath(),
                config.privateKeyFile().orElseThrow().toAbsolutePath(), config.reloadInterval().toMillis());
        return new CertificateReloader(config, ssl, metrics, clock, current, fingerprint);
    }

    private void poll() {
        try {
            byte[][] files;
            try {
                files = read(certificateFile, keyFile);
            } catch (IOException e) {
                // mid-renewal, or a typo by hand: say so once per state, keep serving
                byte[] missing = ("missing:" + e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                consider(missing, null, e.getMessage());
                return;
            }
            consider(fingerprint(files), files, null);
        } catch (RuntimeException e) {
            LOG.warn("tls: checking the certificate files failed; still serving {}", describeServing(), e);
        }
    }

    private void consider(byte[] fingerprint, byte[][] files, String unreadable) {
        if (Arrays.equals(fingerprint, settled)) {
            pending = null;
            return;
        }
        if (!Arrays.equals(fingerprint, pending)) {
            pending = fingerprint; // changed since the last poll: wait until it holds still for one interval
            return;
        }
        settled = fingerprint;
        pending = null;
        if (files == null) {
            refuse(unreadable);
            return;
        }
        PemCertificate next;
        try {
            next = PemCertificate.parse(files[0], files[1]);
        } catch (GeneralSecurityException e) {
            refuse(e.getMessage());
            return;
        }
        if (next.expiredAt(clock.instant())) {
            refuse("the new certificate has already expired (" + next.describe() + ")");
            return;
        }
        try {
            String password = new String(next.password());
            ssl.reload(f -> {
                f.setKeyStore(next.keyStore());
                f.setKeyStorePassword(password);
                f.setKeyManagerPassword(password);
            });
        } catch (Exception e) {
            refuse("Jetty could not use it (" + e.getMessage() + ")");
            return;
        }
        serving.set(next);
        reloaded.increment();
        LOG.info("tls: reloaded the HTTPS certificate from {} without a restart ({})", certificateFile.toAbsolutePath(), next.describe());
    }

    private void refuse(String why) {
        refused.increment();
        LOG.warn("tls: refused the changed certificate files {} and {}: {}; still serving {}. Fix the files; they are checked again when they change.",
                certificateFile.toAbsolutePath(), keyFile.toAbsolutePath(), why, describeServing());
    }

    private String describeServing() {
        PemCertificate s = serving.get();
        return s == null ? "the certificate loaded at start-up" : "the certificate with " + s.describe();
    }

    static byte[][] read(Path cert, Path key) throws IOException {
        return new byte[][] {readBounded(cert, "tls.certificate-file"), readBounded(key, "tls.private-key-file")};
    }

    private static byte[] readBounded(Path file, String key) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(key + " " + file.toAbsolutePath() + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    static byte[] fingerprint(byte[][] files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] f : files) {
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(f.length).array());
                sha.update(f);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
