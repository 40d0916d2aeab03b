// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** TLS settings; keys under {@code tls.}. Empty files mean a generated self-signed certificate. */
record TlsConfig(Optional<Path> certificateFile, Optional<Path> privateKeyFile) {

    static TlsConfig from(Config c) {
        Optional<Path> cert = path(c, "tls.certificate-file");
        Optional<Path> key = path(c, "tls.private-key-file");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(cert.isPresent() ? "tls.private-key-file" : "tls.certificate-file",
                    "must be set together with the other tls.*-file key");
        }
        return new TlsConfig(cert, key);
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
