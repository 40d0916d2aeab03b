// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

/** The {@code error.code} values for refused actions (docs/calling-protocol.md §7). */
public enum ActionError {
    INVALID_MESSAGE("invalidMessage"), NOT_CONNECTED("notConnected"), ALREADY_JOINED("alreadyJoined"),
    ROLE_REQUIRED("roleRequired"), CAPABILITY_DISABLED("capabilityDisabled"),
    PARTICIPANT_NOT_FOUND("participantNotFound"), PARTICIPANT_NOT_ELIGIBLE("participantNotEligible"),
    SCREEN_SHARE_BUSY("screenShareBusy"), CANNOT_TARGET_ORGANIZER("cannotTargetOrganizer"),
    CANNOT_TARGET_PARTICIPANT("cannotTargetParticipant"),
    BREAKOUT_STATE("breakoutState"), SDP_REJECTED("sdpRejected"), CHAT_DISABLED("chatDisabled"),
    CAPACITY_REACHED("capacityReached"), MEETING_BUSY("meetingBusy");

    private final String wire;

    ActionError(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
