// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.BearerSecret;
import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import dev.porta.common.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTPS listener and data directory; keys under {@code http.} and {@code data.}.
 *
 * @param trustedProxies reverse proxies whose forwarding header names the client ({@code http.trusted-proxies},
 *                       {@code http.forwarded-header})
 */
record ServerConfig(Path dataDir, String host, int port, String publicHost, long maxRequestBytes, Duration shutdownGrace,
                    String metricsToken, TrustedProxies trustedProxies) {

    static ServerConfig from(Config c) {
        String host = c.string("http.host");
        if (host.isBlank()) {
            throw new ConfigException("http.host", "must not be empty (use 127.0.0.1 to stay on this machine)");
        }
        String publicHost = c.string("http.public-host");
        if (!publicHost.isBlank() && !publicHost.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9a-fA-F:]+\\](:\\d{1,5})?")) {
            throw new ConfigException("http.public-host", "must be host or host:port, got '" + publicHost + "'");
        }
        return new ServerConfig(Path.of(c.string("data.dir")), host, c.integer("http.port", 0, 65535), publicHost,
                c.integer("http.max-request-bytes", 1024, 64 * 1024 * 1024), c.duration("http.shutdown-grace"),
                BearerSecret.configured(c, "http.metrics-token"), trustedProxies(c));
    }

    private static TrustedProxies trustedProxies(Config c) {
        TrustedProxies.Header header;
        try {
            header = TrustedProxies.Header.parse(c.string("http.forwarded-header"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("http.forwarded-header", e.getMessage());
        }
        try {
            return TrustedProxies.of(c.list("http.trusted-proxies"), header);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("http.trusted-proxies", e.getMessage());
        }
    }

    /** The host[:port] clients use; defaults to localhost and the bound port. */
    String effectivePublicHost(int boundPort) {
        if (!publicHost.isBlank()) {
            return publicHost;
        }
        return boundPort == 443 ? "localhost" : "localhost:" + boundPort;
    }
}
