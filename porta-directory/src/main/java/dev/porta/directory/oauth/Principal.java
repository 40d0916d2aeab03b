// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.directory.AppPermission;
import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.util.Set;

/** Who a valid access token speaks for: an app on its own (app-only) or a signed-in member (delegated). */
public sealed interface Principal {

    TenantId tenant();

    /** An app signed in with client credentials; {@code roles} are its application permissions. */
    record App(TenantId tenant, ClientId clientId, Set<AppPermission> roles) implements Principal {
        public App {
            roles = Set.copyOf(roles);
        }
    }

    /** A member signed in through an app; {@code scopes} are the delegated permissions ({@code scp}). */
    record Member(TenantId tenant, MemberId memberId, String displayName, String userPrincipalName,
                  ClientId clientId, Set<String> scopes) implements Principal {
        public Member {
            scopes = Set.copyOf(scopes);
        }
    }
}
