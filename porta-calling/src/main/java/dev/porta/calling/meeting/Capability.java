// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** What a participant may do in a live meeting; the wire name is used in the protocol. */
public enum Capability {
    AUDIO("audio"), VIDEO("video"), SCREEN_SHARE("screenShare"), CHAT("chat"), REACTIONS("reactions"),
    RAISE_HAND("raiseHand"), TOGETHER_MODE("togetherMode"), BREAKOUT_ROOMS("breakoutRooms"),
    ADMIT_FROM_LOBBY("admitFromLobby"), MANAGE_PARTICIPANTS("manageParticipants"), END_MEETING("endMeeting"),
    MANAGE_RECORDING("manageRecording");

    private final String wireName;

    Capability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
