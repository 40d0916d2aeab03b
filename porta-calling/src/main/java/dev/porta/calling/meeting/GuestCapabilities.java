// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

import java.util.EnumSet;
import java.util.Set;

/** The guest capability matrix of a meeting policy: which capabilities guests (external users) may use at all. */
public record GuestCapabilities(Set<Capability> allowed) {
    public GuestCapabilities {
        allowed = allowed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowed));
    }

    /**
     * Porta's defaults, the same as the directory's ({@code GuestCapability.defaults()} there, which is
     * what a running server uses): reactions, raise hand, Together mode, breakout rooms, recording and
     * ending are members-only until an admin grants them to guests.
     */
    public static GuestCapabilities defaults() {
        return new GuestCapabilities(EnumSet.of(Capability.AUDIO, Capability.VIDEO, Capability.SCREEN_SHARE,
                Capability.CHAT, Capability.ADMIT_FROM_LOBBY, Capability.MANAGE_PARTICIPANTS));
    }

    public boolean allows(Capability c) {
        return allowed.contains(c);
    }

    /** This matrix with {@code c} also allowed. */
    public GuestCapabilities with(Capability c) {
        EnumSet<Capability> s = allowed.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(allowed);
        s.add(c);
        return new GuestCapabilities(s);
    }
}
