// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.RefreshTokens;
import dev.porta.directory.TenantId;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code grant_type=authorization_code} with PKCE (S256 only), as MSAL sends it for a member who signed
 * in on Porta's sign-in page: the code is redeemed once, and only by the client, redirect URI and code
 * verifier it was issued for. A code asked with {@code offline_access} also gets a refresh token when
 * refresh tokens are on.
 */
final class AuthorizationCodeGrant {
    static final String OFFLINE_ACCESS = "offline_access";
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final Directory directory;
    private final TokenIssuer issuer;
    private final AuthorizationCodeStore codes;
    /** Null when refresh tokens are off: {@code offline_access} then gives an access token only. */
    private final RefreshTokens refreshTokens;
    private final Clock clock;

    AuthorizationCodeGrant(Directory directory, TokenIssuer issuer, AuthorizationCodeStore codes, RefreshTokens refreshTokens, Clock clock) {
        this.directory = directory;
        this.issuer = issuer;
        this.codes = codes;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
    }

    void handle(Context ctx, TenantId tenant) {
        String clientId = FormParams.param(ctx, "client_id");
        String verifier = FormParams.param(ctx, "code_verifier");
        String redirectUri = FormParams.param(ctx, "redirect_uri");
        if (clientId == null || redirectUri == null || FormParams.param(ctx, "code") == null) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain 'client_id', 'code' and 'redirect_uri'.");
            return;
        }
        if (verifier == null || !VERIFIER.matcher(verifier).matches()) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 501481, "The 'code_verifier' is missing or malformed (PKCE is required).");
            return;
        }
        Optional<AuthorizationCodes.Grant> grant = codes.redeem(FormParams.param(ctx, "code"));
        boolean ok = grant.isPresent()
                && grant.get().tenant().equals(tenant)
                && grant.get().client().value().equalsIgnoreCase(clientId)
                && grant.get().redirectUri().equals(redirectUri)
                && MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII),
                        grant.get().codeChallenge().getBytes(StandardCharsets.US_ASCII));
        Optional<Member> member = ok ? directory.member(tenant, grant.get().member()).filter(Member::enabled) : Optional.empty();
        if (member.isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_grant", 70008,
                    "The authorization code is invalid, expired, already used, or does not match the client, redirect URI or code verifier.");
            return;
        }
        // offline_access travels with the code's scopes as a marker; it is no permission of the access token.
        Set<String> scopes = new LinkedHashSet<>(grant.get().scopes());
        boolean offline = scopes.remove(OFFLINE_ACCESS);
        TokenIssuer.IssuedToken token = issuer.issueMemberToken(member.get(), grant.get().client(), grant.get().audience(), scopes);
        RefreshTokens refresh = refreshTokens;
        if (offline && refresh != null) {
            String rt = refresh.issue(tenant, member.get().id(), grant.get().client(), scopes, grant.get().audience());
            TokenResponse.send(ctx, token, String.join(" ", scopes) + " " + OFFLINE_ACCESS, rt, refresh.lifetime().toSeconds());
        } else {
            TokenResponse.send(ctx, token, String.join(" ", scopes));
        }
    }

    /** The PKCE S256 challenge of {@code verifier} (RFC 7636 §4.2). */
    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
