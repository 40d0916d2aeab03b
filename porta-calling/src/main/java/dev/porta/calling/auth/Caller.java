// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.auth;

import java.time.Instant;
import java.util.Set;

/** Who is on the other end of a signaling connection, as proven by their bearer token. */
public sealed interface Caller {

    /** The identity that revocation names: a guest's ACS id, or a member's member id. */
    String identityId();

    /** {@link #identityId()}, typed. */
    default IdentityId identity() {
        return new IdentityId(identityId());
    }

    /** When the presented token stops being valid. */
    Instant expiresAt();

    /** An external user holding a communication access token ({@code 8:acs:<resource>_<id>}). */
    record Guest(String identityId, Set<String> scopes, Instant expiresAt) implements Caller {
        public Guest {
            scopes = Set.copyOf(scopes);
        }

        /** Guests may take part in meetings only with scope {@code voip} or {@code voip.join}. */
        public boolean mayJoinMeetings() {
            return scopes.contains("voip") || scopes.contains("voip.join");
        }
    }

    /** A member of a tenant holding their member sign-in token. */
    record Member(String tenantId, String memberId, String displayName, Instant expiresAt) implements Caller {
        @Override
        public String identityId() {
            return memberId;
        }
    }
}
