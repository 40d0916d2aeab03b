// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.nimbusds.jwt.SignedJWT;
import dev.porta.directory.oauth.Principal;
import dev.porta.directory.oauth.TokenVerifier;
import dev.porta.identity.TeamsUserTokens;
import java.text.ParseException;
import java.time.Instant;
import java.util.Optional;

/**
 * The identity module's Teams-user exchange, answered by the directory: the token must pass the
 * directory's check for its Graph API ({@link TokenVerifier#verify}: signature, issuer, tenant, audience
 * Graph or Porta's base URL, expiry, the app and the member still there and enabled) and speak for a
 * member (delegated, {@code idtyp user}). This is Porta's counterpart of ACS's demand for an Entra token
 * of audience {@code https://auth.msft.communication.azure.com}: the one token a member's app holds.
 * App-only tokens and calling tokens (audience {@code urn:porta:calling}) are refused.
 */
final class DirectoryTeamsUserTokens implements TeamsUserTokens {
    private final TokenVerifier verifier;

    DirectoryTeamsUserTokens(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Check check(String directoryToken) {
        return switch (verifier.verify(directoryToken)) {
            case TokenVerifier.Result.Refused r -> new Check.Refused(r.message());
            case TokenVerifier.Result.Valid(Principal.App app) -> new Check.Refused("an app-only token (client " + app.clientId().value() + ")");
            case TokenVerifier.Result.Valid(Principal.Member m) -> expiryOf(directoryToken)
                    .<Check>map(exp -> new Check.Member(m.tenant().value(), m.memberId().value(), m.clientId().value(), exp))
                    .orElse(new Check.Refused("no expiry"));
        };
    }

    /** The expiry of a token the verifier has just accepted. */
    private static Optional<Instant> expiryOf(String token) {
        try {
            return Optional.ofNullable(SignedJWT.parse(token.trim()).getJWTClaimsSet().getExpirationTime()).map(java.util.Date::toInstant);
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
