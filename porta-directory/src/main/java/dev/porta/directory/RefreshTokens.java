// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Members' OAuth refresh tokens ({@code offline_access}): opaque, 256 random bits, stored only as a
 * SHA-256 hash, rotated on every use. All tokens of one sign-in form a family that ends when the
 * sign-in's lifetime ends ({@code directory.refresh-token-lifetime}, counted from the sign-in, not
 * from the last refresh: a member signs in again at least that often).
 *
 * <p>Presenting a token that was already used revokes its whole family (OAuth 2.0 Security BCP,
 * refresh token rotation): of a thief and the member, whoever refreshes second is the one who reveals
 * the theft, and then neither can go on. A new password, disabling or deleting the member, and an
 * admin's {@link Directory#revokeSignInSessions} revoke every family of the member.
 */
public final class RefreshTokens {
    private static final int MAX_TOKEN_CHARS = 128;

    private final DirectoryStore store;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** The outcome of presenting a refresh token. */
    public sealed interface Redemption {
        /** The token was good: it is now used; {@code refreshToken} is its successor, carrying the same sign-in. */
        record Rotated(RefreshTokenRecord grant, String refreshToken) implements Redemption { }

        record Refused(Reason reason) implements Redemption { }
    }

    /** Why a refresh token was refused. */
    public enum Reason {
        /** Unknown, malformed, or issued to another tenant or client (nothing changes). */
        UNKNOWN,
        EXPIRED,
        /** Revoked: password change, member disabled, admin, or its family was revoked for reuse. */
        REVOKED,
        /** Already used: its whole family is now revoked. */
        REUSED
    }

    public RefreshTokens(DirectoryStore store, Duration lifetime, Clock clock) {
        this.store = store;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Starts a family for a member's new sign-in; returns the first token (shown once, never stored). */
    public String issue(TenantId tenant, MemberId member, ClientId client, Set<String> scopes, String audience) {
        Instant now = clock.instant();
        store.purgeExpiredRefreshTokens(now);
        return save(UUID.randomUUID().toString(), tenant, member, client, scopes, audience, now, now.plus(lifetime));
    }

    /** Uses a token presented by {@code client} of {@code tenant}: rotates it, or refuses it (revoking its family on reuse). */
    public Redemption redeem(String token, TenantId tenant, ClientId client) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return new Redemption.Refused(Reason.UNKNOWN);
        }
        String hash = hash(token);
        Optional<RefreshTokenRecord> found = store.findRefreshToken(hash);
        if (found.isEmpty() || !found.get().tenant().equals(tenant) || !found.get().client().equals(client)) {
            return new Redemption.Refused(Reason.UNKNOWN);
        }
        RefreshTokenRecord r = found.get();
        Instant now = clock.instant();
        if (r.revokedAt().isPresent()) {
            return new Redemption.Refused(Reason.REVOKED);
        }
        if (!now.isBefore(r.expiresAt())) {
            return new Redemption.Refused(Reason.EXPIRED);
        }
        // The conditional update decides between two requests racing with one token: one rotates, the
        // other is a reuse.
        if (r.usedAt().isPresent() || !store.markRefreshTokenUsed(hash, now)) {
            store.revokeRefreshTokenFamily(r.familyId(), now);
            return new Redemption.Refused(Reason.REUSED);
        }
        String next = save(r.familyId(), r.tenant(), r.member(), r.client(), r.scopes(), r.audience(), now, r.expiresAt());
        // A revocation (reuse by another request, new password, admin) that ran between marking this token
        // used and saving its successor did not see the successor: look again and take the family down.
        if (store.findRefreshToken(hash).flatMap(RefreshTokenRecord::revokedAt).isPresent()) {
            store.revokeRefreshTokenFamily(r.familyId(), clock.instant());
            return new Redemption.Refused(Reason.REVOKED);
        }
        return new Redemption.Rotated(r, next);
    }

    private String save(String family, TenantId tenant, MemberId member, ClientId client, Set<String> scopes, String audience,
                        Instant now, Instant expiresAt) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.saveRefreshToken(new RefreshTokenRecord(hash(token), family, tenant, member, client, scopes, audience, now, expiresAt,
                Optional.empty(), Optional.empty()));
        return token;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
