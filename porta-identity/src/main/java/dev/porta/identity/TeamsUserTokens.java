// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.time.Instant;

/**
 * The port through which the Teams-user exchange asks the directory about a member's token. The
 * identity module cannot see the directory (modules depend one way), so porta-server implements this
 * with the directory's token verifier.
 */
@FunctionalInterface
public interface TeamsUserTokens {

    /** Checks a member's directory access token, as ACS checks the Entra token of a Teams user. */
    Check check(String directoryToken);

    /** The outcome: the member the token speaks for, or a refusal (its reason is for the log only). */
    sealed interface Check {
        /**
         * A valid delegated token of an enabled member.
         *
         * @param appId the client the member signed in through (the token's {@code appid}/{@code azp})
         * @param expiresAt the token's {@code exp}: the communication token expires with it
         */
        record Member(String tenantId, String userObjectId, String appId, Instant expiresAt) implements Check { }

        record Refused(String reason) implements Check { }
    }
}
