// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.auth.IdentityId;
import java.util.HashSet;
import java.util.Set;

/**
 * Identities the organizer removed or denied with {@code ban}: they cannot join this live meeting again
 * (review L4). Bounded: a meeting that somehow bans more identities than this keeps the first ones, which
 * is safe because each banned identity was also removed. Touched only on the meeting's actor.
 */
final class Bans {
    static final int MAX = 10_000;

    private final Set<IdentityId> identities = new HashSet<>();

    void ban(IdentityId identityId) {
        if (identities.size() < MAX) {
            identities.add(identityId);
        }
    }

    boolean isBanned(IdentityId identityId) {
        return identities.contains(identityId);
    }
}
