// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A stored refresh token: only its hash, the sign-in it continues (member, app, scopes, audience) and
 * its state. Every token of one sign-in shares {@code familyId} and the family's {@code expiresAt}.
 */
public record RefreshTokenRecord(String tokenHash, String familyId, TenantId tenant, MemberId member, ClientId client,
                                 Set<String> scopes, String audience, Instant issuedAt, Instant expiresAt,
                                 Optional<Instant> usedAt, Optional<Instant> revokedAt) {
    public RefreshTokenRecord {
        scopes = Set.copyOf(scopes);
    }
}
