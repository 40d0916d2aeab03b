// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;

/**
 * A person of the organization. The password hash is an Argon2id PHC string and never leaves the
 * directory; {@link #withoutSecrets()} is what other modules and the admin API see.
 */
public record Member(MemberId id, TenantId tenantId, String userPrincipalName, String displayName,
                     String passwordHash, boolean enabled, Instant createdAt) {

    public Member withoutSecrets() {
        return new Member(id, tenantId, userPrincipalName, displayName, "", enabled, createdAt);
    }
}
