// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.auth;

import java.util.Objects;

/**
 * The identity a caller's token proves, as revocation names it: a guest's communication user id
 * ({@code 8:acs:<resource>_<id>}) or a member's member id. One person may hold several participations
 * over time; bans, revocation and "one seat per external identity" go by this.
 */
public record IdentityId(String value) {
    public IdentityId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
