// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.time.Instant;
import java.util.Set;

/** The outcome of checking a communication access token: valid, or refused with a reason. */
public sealed interface TokenCheck {

    record Valid(CommunicationUserId identity, Set<TokenScope> scopes, Instant issuedAt, Instant expiresAt) implements TokenCheck { }

    /**
     * A token from the Teams-user exchange: it speaks for the directory member {@code userObjectId} of
     * {@code tenantId} (raw id {@code 8:orgid:<userObjectId>}), not for a communication identity. The
     * caller must still check that the member exists and is enabled; this module cannot see the directory.
     */
    record TeamsUser(String tenantId, String userObjectId, Instant issuedAt, Instant expiresAt) implements TokenCheck { }

    record Refused(Reason reason) implements TokenCheck { }

    /** Why a token was refused; each maps to a documented end reason of the calling protocol. */
    enum Reason {
        MALFORMED("The access token is not a Porta communication access token."),
        BAD_SIGNATURE("The access token's signature is not valid."),
        EXPIRED("The access token has expired."),
        REVOKED("The access token was revoked."),
        IDENTITY_DELETED("The identity of the access token was deleted.");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }
}
