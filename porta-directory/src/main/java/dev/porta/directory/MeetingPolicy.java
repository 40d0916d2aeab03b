// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.EnumSet;
import java.util.Set;

/**
 * What guests may do in a tenant's meetings: join at all, which lobby bypass scopes organizers may
 * choose, and the guest capability matrix. A tenant has one; an organizer may have an override that
 * replaces it whole for their meetings.
 */
public record MeetingPolicy(boolean allowAnonymousJoin, Set<LobbyBypassScope> allowedLobbyBypassScopes,
                            Set<GuestCapability> guestCapabilities) {
    public MeetingPolicy {
        allowedLobbyBypassScopes = allowedLobbyBypassScopes.isEmpty()
                ? EnumSet.noneOf(LobbyBypassScope.class) : EnumSet.copyOf(allowedLobbyBypassScopes);
        guestCapabilities = guestCapabilities.isEmpty()
                ? EnumSet.noneOf(GuestCapability.class) : EnumSet.copyOf(guestCapabilities);
    }

    /** Guests may join; every bypass scope may be chosen; the default capability matrix. */
    public static MeetingPolicy defaults() {
        return new MeetingPolicy(true, EnumSet.allOf(LobbyBypassScope.class), GuestCapability.defaults());
    }

    public boolean guestMay(GuestCapability capability) {
        return allowAnonymousJoin && guestCapabilities.contains(capability);
    }
}
