// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.AddressKey;
import dev.porta.common.RateLimiter;
import dev.porta.directory.ClientId;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.RefreshTokenRecord;
import dev.porta.directory.RefreshTokens;
import dev.porta.directory.TenantId;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code grant_type=refresh_token}, as MSAL sends it for a public client: {@code client_id} and
 * {@code refresh_token} ({@code scope}, {@code client_info} and {@code claims} are accepted and
 * ignored: the new tokens carry the sign-in's own scopes). Each use rotates the token; a used
 * token revokes its family. Refused tokens are charged to the same allowance as wrong secrets
 * (per client and address, and per address), before the lookup; a good one is refunded.
 */
final class RefreshTokenGrant {
    private final Directory directory;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final RateLimiter failures;
    private final Clock clock;

    RefreshTokenGrant(Directory directory, TokenIssuer issuer, RefreshTokens refreshTokens, RateLimiter failures, Clock clock) {
        this.directory = directory;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.failures = failures;
        this.clock = clock;
    }

    void handle(Context ctx, TenantId tenant) {
        String clientId = FormParams.param(ctx, "client_id");
        String presented = ctx.formParam("refresh_token");
        if (clientId == null || presented == null || presented.isBlank()) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain 'client_id' and 'refresh_token'.");
            return;
        }
        Optional<ClientId> client = ClientId.parse(clientId);
        String address = AddressKey.of(ctx.ip());
        String[] keys = {"refresh:" + client.map(ClientId::value).orElse("invalid") + "@" + address, "ip:" + address};
        if (!failures.tryAcquireAll(keys)) {
            OAuthError.tooManyAttempts(ctx, clock, failures, keys);
            return;
        }
        RefreshTokens.Redemption result = client.isEmpty() ? new RefreshTokens.Redemption.Refused(RefreshTokens.Reason.UNKNOWN)
                : refreshTokens.redeem(presented.trim(), tenant, client.get());
        if (result instanceof RefreshTokens.Redemption.Refused(RefreshTokens.Reason reason)) {
            refused(ctx, reason);
            return;
        }
        var rotated = (RefreshTokens.Redemption.Rotated) result;
        RefreshTokenRecord grant = rotated.grant();
        Optional<Member> member = directory.member(tenant, grant.member()).filter(Member::enabled);
        if (member.isEmpty()) {
            refused(ctx, RefreshTokens.Reason.REVOKED);
            return;
        }
        failures.refund(keys);
        TokenIssuer.IssuedToken token = issuer.issueMemberToken(member.get(), grant.client(), grant.audience(), grant.scopes());
        long left = Math.max(0, Duration.between(clock.instant(), grant.expiresAt()).toSeconds());
        TokenResponse.send(ctx, token, String.join(" ", new TreeSet<>(grant.scopes())) + " " + AuthorizationCodeGrant.OFFLINE_ACCESS, rotated.refreshToken(), left);
    }

    /** Entra's answers: 70000 invalid grant, 700082 expired, 50173 revoked (password change), 70043 reuse. */
    private void refused(Context ctx, RefreshTokens.Reason reason) {
        switch (reason) {
            case EXPIRED -> OAuthError.send(ctx, clock, 400, "invalid_grant", 700082,
                    "The refresh token has expired; the member must sign in again.");
            case REVOKED -> OAuthError.send(ctx, clock, 400, "invalid_grant", 50173,
                    "The refresh token was revoked (new password, account disabled, or signed out by an administrator); sign in again.");
            case REUSED -> OAuthError.send(ctx, clock, 400, "invalid_grant", 70043,
                    "The refresh token was already used; every token of this sign-in is now revoked. Sign in again.");
            case UNKNOWN -> OAuthError.send(ctx, clock, 400, "invalid_grant", 70000,
                    "The refresh token is invalid or was not issued to this client.");
        }
    }
}
