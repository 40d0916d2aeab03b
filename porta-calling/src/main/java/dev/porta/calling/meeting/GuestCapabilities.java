// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

import java.util.EnumSet;
import java.util.Set;

/**
 * The guest capability matrix of a meeting policy: which capabilities guests (external users) may use at
 * all, and whether they may hold the presenter role that {@code allowedPresenters} would give them.
 *
 * @param mayPresent false: a guest whom {@code allowedPresenters} makes a presenter attends instead
 */
public record GuestCapabilities(Set<Capability> allowed, boolean mayPresent) {
    public GuestCapabilities {
        allowed = allowed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowed));
    }

    /** A matrix without the presenter role. */
    public GuestCapabilities(Set<Capability> allowed) {
        this(allowed, false);
    }

    /**
     * Porta's defaults, the same as the directory's ({@code GuestCapability.defaults()} there, which is
     * what a running server uses): audio, video, screen sharing and chat. Guests never moderate by
     * default: no presenter role, no admitting from the lobby, no managing participants. Reactions, raise
     * hand, Together mode, breakout rooms, recording and ending are members-only until an admin grants them.
     */
    public static GuestCapabilities defaults() {
        return new GuestCapabilities(EnumSet.of(Capability.AUDIO, Capability.VIDEO, Capability.SCREEN_SHARE,
                Capability.CHAT), false);
    }

    public boolean allows(Capability c) {
        return allowed.contains(c);
    }

    /** This matrix with {@code c} also allowed. */
    public GuestCapabilities with(Capability c) {
        EnumSet<Capability> s = allowed.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(allowed);
        s.add(c);
        return new GuestCapabilities(s, mayPresent);
    }

    /** This matrix with the presenter role allowed. */
    public GuestCapabilities withPresenterRole() {
        return new GuestCapabilities(allowed, true);
    }
}
