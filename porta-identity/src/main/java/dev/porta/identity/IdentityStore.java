// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SigningKeyRing;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Persistence of communication resources, identities and the access tokens' signing keys. */
public interface IdentityStore extends SigningKeyRing.Store {

    /** An identity as stored: tokens issued at or before {@code revokedBefore} are no longer valid. */
    record StoredIdentity(CommunicationUserId id, Instant createdAt, Optional<Instant> revokedBefore,
                          Optional<Instant> lastTokenIssuedAt) { }


    void saveResource(CommunicationResource resource);

    Optional<CommunicationResource> findResource(UUID id);

    Optional<CommunicationResource> findResourceByTenant(String tenantId);

    List<CommunicationResource> resources();

    /** Replaces one key (0 primary, 1 secondary); false when the resource does not exist. */
    boolean replaceKey(UUID resourceId, int keyIndex, String newKey);

    void createIdentity(CommunicationUserId id, Instant createdAt);

    Optional<StoredIdentity> findIdentity(CommunicationUserId id);

    /** Sets {@code revokedBefore}; false when the identity does not exist. */
    boolean revoke(CommunicationUserId id, Instant revokedBefore);

    void tokenIssued(CommunicationUserId id, Instant at);

    boolean deleteIdentity(CommunicationUserId id);

}
