// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.auth.Authentication;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.CallerAuthenticator;
import dev.porta.calling.auth.TokenRefusal;
import dev.porta.identity.AccessTokenVerifier;
import dev.porta.identity.TokenCheck;
import dev.porta.identity.TokenScope;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Calling's authentication port over Porta's token kinds: a communication access token of a guest
 * (checked by the identity module's one check), a communication token from the Teams-user exchange
 * (a MEMBER: the identity module checks signature and expiry, the directory that the member is still
 * enabled), or a member's calling token from the directory (audience calling only, from the
 * token-exchange grant). A member's Graph token is refused: it can change the member's meetings, so it
 * must never travel to a meeting's signaling endpoint.
 */
public final class PortaCallerAuthenticator implements CallerAuthenticator {
    private final AccessTokenVerifier communicationTokens;
    private final Function<String, Optional<Caller.Member>> memberTokens;
    private final Members members;

    /** The directory's view of a member named by a Teams-user token. */
    @FunctionalInterface
    public interface Members {
        /** The member as a caller whose session ends at {@code expiresAt}; empty when unknown or disabled. */
        Optional<Caller.Member> enabledMember(String tenantId, String memberId, Instant expiresAt);
    }

    /**
     * @param memberTokens verifies a member's calling token; empty when it is not one (a Graph token included)
     * @param members      looks up the member of a Teams-user communication token
     */
    public PortaCallerAuthenticator(AccessTokenVerifier communicationTokens, Function<String, Optional<Caller.Member>> memberTokens,
                                    Members members) {
        this.communicationTokens = communicationTokens;
        this.memberTokens = memberTokens;
        this.members = members;
    }

    @Override
    public Authentication authenticate(String bearerToken) {
        TokenCheck check = communicationTokens.check(bearerToken);
        return switch (check) {
            case TokenCheck.Valid v -> new Authentication.Authenticated(new Caller.Guest(v.identity().value(),
                    v.scopes().stream().map(TokenScope::wire).collect(Collectors.toUnmodifiableSet()), v.expiresAt()));
            // A member disabled or deleted since the exchange is refused as revoked, like a revoked guest.
            case TokenCheck.TeamsUser t -> members.enabledMember(t.tenantId(), t.userObjectId(), t.expiresAt())
                    .<Authentication>map(Authentication.Authenticated::new)
                    .orElse(new Authentication.Refused(TokenRefusal.REVOKED));
            case TokenCheck.Refused r -> switch (r.reason()) {
                case EXPIRED -> new Authentication.Refused(TokenRefusal.EXPIRED);
                case REVOKED, IDENTITY_DELETED -> new Authentication.Refused(TokenRefusal.REVOKED);
                // Not a communication token: perhaps a member's calling token.
                case MALFORMED, BAD_SIGNATURE -> memberTokens.apply(bearerToken)
                        .<Authentication>map(Authentication.Authenticated::new)
                        .orElse(new Authentication.Refused(TokenRefusal.INVALID));
            };
        };
    }
}
