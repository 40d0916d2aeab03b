// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;

/**
 * A stored client secret: only its Argon2id hash and a three-character hint are kept, so the secret
 * itself is shown once, when it is created.
 */
public record ClientSecret(String id, ClientId clientId, String hash, String hint, Instant createdAt, Instant expiresAt) {

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** What may be listed: everything but the hash. */
    public ClientSecret withoutHash() {
        return new ClientSecret(id, clientId, "", hint, createdAt, expiresAt);
    }
}
