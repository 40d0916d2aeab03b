// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * In-meeting features a guest (an external, anonymous user) may be allowed to use. The calling service
 * refuses a guest any feature not in the effective policy's set, whatever the client shows.
 */
public enum GuestCapability {
    AUDIO("audio"),
    VIDEO("video"),
    SCREEN_SHARING("screenSharing"),
    CHAT("chat"),
    RAISE_HAND("raiseHand"),
    REACTIONS("reactions"),
    SPOTLIGHT("spotlight"),
    TOGETHER_MODE("togetherMode"),
    BREAKOUT_ROOMS("breakoutRooms"),
    ADMIT_FROM_LOBBY("admitFromLobby"),
    /** Mute others, lower their hands, remove attendees (still only with a presenter role). */
    MANAGE_PARTICIPANTS("manageParticipants"),
    /** The presenter role that {@code allowedPresenters} would give; without it a guest attends. */
    PRESENT("present"),
    MANAGE_RECORDING("manageRecording"),
    CAPTIONS("captions"),
    WHITEBOARD("whiteboard"),
    /**
     * See other guests' ACS identities ({@code 8:acs:…}) in roster and lobby, as ACS shows them. Without it
     * (privacy) guests and other tenants' members see other guests by a meeting-scoped id only.
     */
    SEE_GUEST_IDENTITIES("seeGuestIdentities");

    private final String wire;

    GuestCapability(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<GuestCapability> fromWire(String text) {
        return Arrays.stream(values()).filter(c -> c.wire.equals(text)).findFirst();
    }

    /**
     * The defaults: audio, video, screen sharing and chat, and seeing other guests' identities (as in ACS). Guests never moderate by default (admitting
     * from the lobby, managing participants and the presenter role are off), so one admitted guest cannot
     * let strangers in or remove the organizer's colleagues. Raise hand, Together mode, breakout rooms and
     * the rest are for members only until an admin turns them on.
     */
    public static Set<GuestCapability> defaults() {
        return EnumSet.of(AUDIO, VIDEO, SCREEN_SHARING, CHAT, SEE_GUEST_IDENTITIES);
    }
}
