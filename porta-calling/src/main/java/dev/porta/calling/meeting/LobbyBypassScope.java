// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

import java.util.Locale;

/** Graph {@code lobbyBypassSettings.scope}: who skips the lobby. */
public enum LobbyBypassScope {
    ORGANIZER, ORGANIZATION, ORGANIZATION_AND_FEDERATED, EVERYONE, INVITED, ORGANIZATION_EXCLUDING_GUESTS,
    /** Any value this version does not know; treated like {@link #ORGANIZER}. */
    UNKNOWN_FUTURE_VALUE;

    /** Parses a Graph wire value ({@code organizationAndFederated}); unknown values map to {@link #UNKNOWN_FUTURE_VALUE}. */
    public static LobbyBypassScope fromWire(String value) {
        if (value == null) {
            return UNKNOWN_FUTURE_VALUE;
        }
        String upper = value.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        for (LobbyBypassScope s : values()) {
            if (s.name().equals(upper)) {
                return s;
            }
        }
        return UNKNOWN_FUTURE_VALUE;
    }
}
