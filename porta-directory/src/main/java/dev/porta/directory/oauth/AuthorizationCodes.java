// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization codes between the sign-in page and the token endpoint: single use, short-lived, bound to
 * the client, the redirect URI and the PKCE challenge. Held in memory: a code lives a few minutes and the
 * redeeming request normally reaches the node that issued it (behind a load balancer, use stickiness).
 */
final class AuthorizationCodes {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final int MAX_OUTSTANDING = 10_000;

    record Grant(TenantId tenant, ClientId client, MemberId member, String redirectUri, String codeChallenge,
                 Set<String> scopes, String audience, Instant expiresAt) { }

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    String issue(TenantId tenant, ClientId client, MemberId member, String redirectUri, String challenge, Set<String> scopes, String audience) {
        purgeExpired();
        if (codes.size() >= MAX_OUTSTANDING) {
            throw new IllegalStateException("too many outstanding authorization codes");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        codes.put(code, new Grant(tenant, client, member, redirectUri, challenge, scopes, audience, clock.instant().plus(LIFETIME)));
        return code;
    }

    /** Takes the code out (it can be redeemed once, whatever the outcome); empty when unknown or expired. */
    Optional<Grant> redeem(String code) {
        if (code == null || code.length() > 100) {
            return Optional.empty();
        }
        Grant g = codes.remove(code);
        return g == null || !clock.instant().isBefore(g.expiresAt()) ? Optional.empty() : Optional.of(g);
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        for (Iterator<Grant> it = codes.values().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().expiresAt())) {
                it.remove();
            }
        }
    }
}
