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
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Authorization codes between the sign-in page and the token endpoint: single use, short-lived, bound to
 * the client, the redirect URI and the PKCE challenge. Held in this process's memory (a cluster shares them
 * in Redis instead: porta-cluster's {@code RedisAuthorizationCodes}, with the same limits).
 *
 * <p>Bounded three ways, so that no one can make sign-in fail for others: a member holds at most
 * {@link #MAX_PER_MEMBER} unredeemed codes (a new one replaces their oldest, so scripting sign-ins only
 * spends one's own codes), an app at most {@link #MAX_PER_CLIENT}, and the node at most
 * {@link #MAX_OUTSTANDING}. Codes sit in issue order, which is expiry order, so purging is cheap.
 */
public final class AuthorizationCodes implements AuthorizationCodeStore {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    public static final int MAX_OUTSTANDING = 10_000;
    public static final int MAX_PER_CLIENT = 1_000;
    public static final int MAX_PER_MEMBER = 10;

    /** What a code stands for. */
    public record Grant(TenantId tenant, ClientId client, MemberId member, String redirectUri, String codeChallenge,
                        Set<String> scopes, String audience, Instant expiresAt) { }

    private final Map<String, Grant> codes = new LinkedHashMap<>();
    private final Map<MemberId, ArrayDeque<String>> byMember = new HashMap<>();
    private final Map<ClientId, Integer> perClient = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    /** A new code; empty when the app or this node already holds as many unredeemed codes as allowed. */
    @Override
    public synchronized Optional<String> issue(TenantId tenant, ClientId client, MemberId member, String redirectUri, String challenge,
                                               Set<String> scopes, String audience) {
        purgeExpired();
        ArrayDeque<String> mine = byMember.computeIfAbsent(member, m -> new ArrayDeque<>());
        if (mine.size() >= MAX_PER_MEMBER) {
            remove(mine.peekFirst());
        }
        if (codes.size() >= MAX_OUTSTANDING || perClient.getOrDefault(client, 0) >= MAX_PER_CLIENT) {
            if (mine.isEmpty()) {
                byMember.remove(member);
            }
            return Optional.empty();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        codes.put(code, new Grant(tenant, client, member, redirectUri, challenge, scopes, audience, clock.instant().plus(LIFETIME)));
        byMember.computeIfAbsent(member, m -> new ArrayDeque<>()).addLast(code);
        perClient.merge(client, 1, Integer::sum);
        return Optional.of(code);
    }

    /** Takes the code out (it can be redeemed once, whatever the outcome); empty when unknown or expired. */
    @Override
    public synchronized Optional<Grant> redeem(String code) {
        if (code == null || code.length() > 100) {
            return Optional.empty();
        }
        Grant g = remove(code);
        return g == null || !clock.instant().isBefore(g.expiresAt()) ? Optional.empty() : Optional.of(g);
    }

    synchronized int outstanding() {
        return codes.size();
    }

    private Grant remove(String code) {
        Grant g = codes.remove(code);
        if (g != null) {
            ArrayDeque<String> mine = byMember.get(g.member());
            if (mine != null) {
                mine.remove(code);
                if (mine.isEmpty()) {
                    byMember.remove(g.member());
                }
            }
            perClient.computeIfPresent(g.client(), (c, n) -> n > 1 ? n - 1 : null);
        }
        return g;
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        while (!codes.isEmpty()) {
            Map.Entry<String, Grant> oldest = codes.entrySet().iterator().next();
            if (now.isBefore(oldest.getValue().expiresAt())) {
                return;
            }
            remove(oldest.getKey());
        }
    }
}
