// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.auth.Authentication;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.CallerAuthenticator;
import dev.porta.calling.auth.TokenRefusal;
import dev.porta.identity.AccessTokenVerifier;
import dev.porta.identity.TokenCheck;
import dev.porta.identity.TokenScope;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Calling's authentication port over Porta's two token kinds: a communication access token (a guest,
 * checked by the identity module's one check) or a member's delegated token from the directory.
 */
public final class PortaCallerAuthenticator implements CallerAuthenticator {
    private final AccessTokenVerifier communicationTokens;
    private final Function<String, Optional<Caller.Member>> memberTokens;

    /**
     * @param memberTokens verifies a member's token; empty when it is not a valid member token
     */
    public PortaCallerAuthenticator(AccessTokenVerifier communicationTokens, Function<String, Optional<Caller.Member>> memberTokens) {
        this.communicationTokens = communicationTokens;
        this.memberTokens = memberTokens;
    }

    @Override
    public Authentication authenticate(String bearerToken) {
        TokenCheck check = communicationTokens.check(bearerToken);
        return switch (check) {
            case TokenCheck.Valid v -> new Authentication.Authenticated(new Caller.Guest(v.identity().value(),
                    v.scopes().stream().map(TokenScope::wire).collect(Collectors.toUnmodifiableSet()), v.expiresAt()));
            case TokenCheck.Refused r -> switch (r.reason()) {
                case EXPIRED -> new Authentication.Refused(TokenRefusal.EXPIRED);
                case REVOKED, IDENTITY_DELETED -> new Authentication.Refused(TokenRefusal.REVOKED);
                // Not a communication token: perhaps a member's sign-in token.
                case MALFORMED, BAD_SIGNATURE -> memberTokens.apply(bearerToken)
                        .<Authentication>map(Authentication.Authenticated::new)
                        .orElse(new Authentication.Refused(TokenRefusal.INVALID));
            };
        };
    }
}
