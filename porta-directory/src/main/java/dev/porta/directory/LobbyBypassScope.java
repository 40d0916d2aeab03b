// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Arrays;
import java.util.Optional;

/**
 * Who skips a meeting's lobby (Graph {@code lobbyBypassScope}). Guests (anonymous/ACS users) skip it
 * only with {@link #EVERYONE}. The last two are Graph's evolvable members, shown as
 * {@code unknownFutureValue} unless the client asks for them.
 */
public enum LobbyBypassScope {
    ORGANIZER("organizer", false),
    ORGANIZATION("organization", false),
    ORGANIZATION_AND_FEDERATED("organizationAndFederated", false),
    EVERYONE("everyone", false),
    INVITED("invited", true),
    ORGANIZATION_EXCLUDING_GUESTS("organizationExcludingGuests", true);

    private final String wire;
    private final boolean evolvable;

    LobbyBypassScope(String wire, boolean evolvable) {
        this.wire = wire;
        this.evolvable = evolvable;
    }

    public String wire() {
        return wire;
    }

    /** True for values listed after {@code unknownFutureValue} in Graph's enum. */
    public boolean evolvable() {
        return evolvable;
    }

    public static Optional<LobbyBypassScope> fromWire(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }
}
