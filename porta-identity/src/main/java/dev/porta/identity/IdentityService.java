// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The Identity API's operations: create identities, issue tokens, revoke, delete; and the
 * communication resources with their access keys. Revocation and deletion are announced to
 * listeners (the calling service disconnects live participants of that identity).
 */
public final class IdentityService {
    public static final Duration MIN_TOKEN_LIFETIME = Duration.ofMinutes(60);
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(1440);

    private final IdentityStore store;
    private final AccessTokenIssuer issuer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<Consumer<CommunicationUserId>> revocationListeners = new CopyOnWriteArrayList<>();

    public IdentityService(IdentityStore store, AccessTokenIssuer issuer, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Called whenever an identity's earlier tokens stop being valid (revoked or deleted). */
    public void onRevocation(Consumer<CommunicationUserId> listener) {
        revocationListeners.add(listener);
    }

    /** The tenant's resource, created with two fresh access keys on first use. */
    public synchronized CommunicationResource resourceFor(String tenantId) {
        return store.findResourceByTenant(tenantId).orElseGet(() -> {
            CommunicationResource r = new CommunicationResource(UUID.randomUUID(), tenantId, newAccessKey(), newAccessKey());
            store.saveResource(r);
            return r;
        });
    }

    public List<CommunicationResource> resources() {
        return store.resources();
    }

    /** Replaces the primary (0) or secondary (1) key with a fresh one and returns the resource. */
    public CommunicationResource rotateKey(UUID resourceId, int keyIndex) {
        if (!store.replaceKey(resourceId, keyIndex, newAccessKey())) {
            throw new IllegalArgumentException("no communication resource " + resourceId);
        }
        return store.findResource(resourceId).orElseThrow();
    }

    public CommunicationUserId createIdentity(CommunicationResource resource) {
        CommunicationUserId id = CommunicationUserId.create(resource.id(), timeOrderedId());
        store.createIdentity(id, clock.instant());
        return id;
    }

    /** Issues a token; empty when the identity does not exist (or belongs to another resource). */
    public Optional<AccessToken> issueToken(CommunicationResource resource, CommunicationUserId id, Set<TokenScope> scopes,
                                            Duration lifetime) {
        if (!id.resourceId().equals(resource.id()) || store.findIdentity(id).isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        AccessToken token = issuer.issue(id, scopes, now, lifetime);
        store.tokenIssued(id, now);
        return Optional.of(token);
    }

    /**
     * A communication token for a directory member whose token the caller has checked (the Teams-user
     * exchange). It expires with that token, and never later than the longest lifetime ACS grants.
     */
    public TeamsUserToken issueTeamsUserToken(CommunicationResource resource, String tenantId, String userObjectId, String appId,
                                              Instant directoryTokenExpiry) {
        Instant now = clock.instant();
        Instant cap = now.plus(MAX_TOKEN_LIFETIME);
        return issuer.issueForTeamsUser(resource.id(), tenantId, userObjectId, appId, now,
                directoryTokenExpiry.isAfter(cap) ? cap : directoryTokenExpiry);
    }

    /** Makes every token issued so far invalid; false when there is no such identity. */
    public boolean revokeTokens(CommunicationResource resource, CommunicationUserId id) {
        if (!id.resourceId().equals(resource.id()) || !store.revoke(id, clock.instant())) {
            return false;
        }
        revocationListeners.forEach(l -> l.accept(id));
        return true;
    }

    public boolean deleteIdentity(CommunicationResource resource, CommunicationUserId id) {
        if (!id.resourceId().equals(resource.id()) || !store.deleteIdentity(id)) {
            return false;
        }
        revocationListeners.forEach(l -> l.accept(id));
        return true;
    }

    public Optional<IdentityStore.StoredIdentity> find(CommunicationResource resource, CommunicationUserId id) {
        return id.resourceId().equals(resource.id()) ? store.findIdentity(id) : Optional.empty();
    }

    /** Base64 of 64 random bytes, the shape of Azure's keys. */
    private String newAccessKey() {
        byte[] key = new byte[64];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A GUID-shaped id whose first 48 bits are the creation time, as ACS ids are time-ordered. */
    private UUID timeOrderedId() {
        long millis = clock.millis();
        long msb = (millis << 16) | (0x7000L) | (random.nextInt() & 0x0fffL); // version 7 layout
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
