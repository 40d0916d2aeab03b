// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.util.Optional;
import java.util.Set;

/**
 * Where authorization codes wait between the sign-in page and the token endpoint: in this process
 * ({@link AuthorizationCodes}), or shared by every node (porta-cluster), so that a code issued by one node
 * is redeemed at another. Either way a code is single use, lives {@link AuthorizationCodes#LIFETIME}, and the
 * caps per member, per app and in total of {@link AuthorizationCodes} hold.
 */
public interface AuthorizationCodeStore {
    /** A new code; empty when the app or the store already holds as many unredeemed codes as allowed. */
    Optional<String> issue(TenantId tenant, ClientId client, MemberId member, String redirectUri, String challenge,
                           Set<String> scopes, String audience);

    /** Takes the code out (it can be redeemed once, whatever the outcome); empty when unknown or expired. */
    Optional<AuthorizationCodes.Grant> redeem(String code);
}
