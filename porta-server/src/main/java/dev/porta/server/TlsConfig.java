// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * TLS settings; keys under {@code tls.}. Empty files mean a generated self-signed certificate.
 * {@code reloadInterval} is how often the PEM files are checked for a renewed certificate (zero: never).
 */
record TlsConfig(Optional<Path> certificateFile, Optional<Path> privateKeyFile, Duration reloadInterval) {

    static TlsConfig from(Config c) {
        Optional<Path> cert = path(c, "tls.certificate-file");
        Optional<Path> key = path(c, "tls.private-key-file");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(cert.isPresent() ? "tls.private-key-file" : "tls.certificate-file",
                    "must be set together with the other tls.*-file key");
        }
        Duration interval = c.duration("tls.reload-interval");
        if (interval.isNegative() || (!interval.isZero() && interval.compareTo(Duration.ofMillis(100)) < 0)
                || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException("tls.reload-interval", "must be 0s (never) or between 100ms and 1d");
        }
        return new TlsConfig(cert, key, interval);
    }

    /** Whether the certificate comes from files that a renewal (certbot) may replace. */
    boolean watched() {
        return certificateFile.isPresent() && !reloadInterval.isZero();
    }

    private static Optional<Path> path(Config c, String key) {
        String v = c.string(key);
        if (v.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(v);
        if (!Files.isReadable(p)) {
            throw new ConfigException(key, "file " + p.toAbsolutePath() + " does not exist or cannot be read");
        }
        return Optional.of(p);
    }
}
