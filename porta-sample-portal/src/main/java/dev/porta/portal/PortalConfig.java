// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The portal's settings. The Graph app registration (client credentials with an application access
 * policy) reads the organization's meetings; the Identity connection string mints guest identities.
 *
 * @param portaUrl Porta's base URL, e.g. {@code https://porta.example/} (ends in /)
 * @param portaCertificate a PEM to trust for Porta (a self-signed test server); empty = the system's trust
 * @param tenantId the organization's tenant
 * @param clientId the portal's app registration in that tenant
 * @param clientSecret its secret
 * @param connectionString Porta's Identity API connection string
 * @param portalSecret the HMAC key of invitation links (at least 32 bytes)
 * @param adminKey the organization side's key for {@code POST /admin/invitations} (at least 32 bytes)
 * @param port where to listen on 127.0.0.1 (0 = any free port)
 * @param tokenBurst token requests a visitor's address may make at once
 * @param tokenRefill how often one more is allowed
 * @param uiLibraryBundle the built UI Library sample ({@code ui-library/dist}, see {@code ui-library/README.md}),
 *                        served as the alternative guest page {@code /ui-library?inv=…}; empty = not offered
 */
public record PortalConfig(String portaUrl, Optional<Path> portaCertificate, String tenantId, String clientId, String clientSecret,
                           String connectionString, byte[] portalSecret, String adminKey, int port, int tokenBurst, Duration tokenRefill,
                           Optional<Path> uiLibraryBundle) {
    /** Shortest admin key accepted, in bytes: it creates invitations, so it must not be guessable. */
    public static final int MIN_ADMIN_KEY_BYTES = 32;

    /** Without the UI Library page. */
    public PortalConfig(String portaUrl, Optional<Path> portaCertificate, String tenantId, String clientId, String clientSecret,
                        String connectionString, byte[] portalSecret, String adminKey, int port, int tokenBurst, Duration tokenRefill) {
        this(portaUrl, portaCertificate, tenantId, clientId, clientSecret, connectionString, portalSecret, adminKey, port, tokenBurst,
                tokenRefill, Optional.empty());
    }

    public PortalConfig {
        if (adminKey == null || adminKey.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_ADMIN_KEY_BYTES) {
            throw new IllegalArgumentException("PORTAL_ADMIN_KEY must be at least " + MIN_ADMIN_KEY_BYTES
                    + " bytes of randomness (e.g. openssl rand -base64 32)");
        }
    }
}
