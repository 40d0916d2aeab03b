// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

/** Every way a participant leaves or is refused: the table of docs/calling-protocol.md §6. */
public enum EndReason {
    LEFT(0, 0, "You left the meeting.", Category.SUCCESS, false, 1000),
    MEETING_ENDED(0, 4097, "The organizer ended the meeting for everyone.", Category.SUCCESS, false, 1000),
    REMOVED(0, 5000, "An organizer or presenter removed you from the meeting.", Category.SUCCESS, false, 1000),
    ENDED_BY_ADMINISTRATOR(0, 4097, "An administrator of the organization ended the meeting for everyone.",
            Category.SUCCESS, false, 1000),
    REMOVED_BY_ADMINISTRATOR(0, 5000, "An administrator of the organization removed you from the meeting.",
            Category.SUCCESS, false, 1000),
    BANNED(403, 5001, "The organizer removed you from this meeting; you cannot join it again while it lasts.",
            Category.EXPECTED, false, 1000),
    LOBBY_DENIED(0, 5854, "Your request to join was declined by someone in the meeting.", Category.EXPECTED, false, 1000),
    TOKEN_INVALID(495, 4507, "The access token is not valid.", Category.EXPECTED, false, 1000),
    TOKEN_EXPIRED(495, 4508, "The access token expired.", Category.EXPECTED, false, 1000),
    TOKEN_REVOKED(495, 4509, "The access token or its identity was revoked.", Category.EXPECTED, false, 1000),
    TOKEN_SCOPE(403, 4510, "The access token lacks the voip or voip.join scope.", Category.EXPECTED, false, 1000),
    ANONYMOUS_JOIN_DISABLED_BY_TENANT(403, 5221,
            "Anonymous (guest) join is disabled by the organization's tenant policy.", Category.EXPECTED, false, 1000),
    ANONYMOUS_JOIN_DISABLED_BY_ORGANIZER(403, 5222,
            "Anonymous (guest) join is disabled by the organizer's meeting policy.", Category.EXPECTED, false, 1000),
    MEETING_NOT_FOUND(404, 5250, "No meeting has this link or meeting ID.", Category.EXPECTED, false, 1000),
    PASSCODE_WRONG(403, 5251, "The passcode is wrong.", Category.EXPECTED, false, 1000),
    PASSCODE_ATTEMPTS_EXCEEDED(429, 5252, "Too many meeting ID attempts; try again later.", Category.EXPECTED, false, 1000),
    MEETING_NOT_STARTED(403, 5253, "The meeting cannot be joined yet.", Category.EXPECTED, false, 1000),
    MEETING_EXPIRED(403, 5254, "The meeting is over and can no longer be joined.", Category.EXPECTED, false, 1000),
    CAPACITY_REACHED(503, 5260, "The meeting is full.", Category.EXPECTED, false, 1000),
    LOBBY_FULL(503, 5261, "Too many people are waiting in the lobby; try again later.", Category.EXPECTED, false, 1000),
    MEETING_BUSY(503, 5262, "The meeting has too many requests waiting; join again in a moment.", Category.EXPECTED, true, 1000),
    REPLACED(409, 5272, "You joined this meeting again from another connection.", Category.EXPECTED, false, 1000),
    RESUME_FAILED(410, 5270, "The session cannot be resumed; join again.", Category.EXPECTED, true, 1000),
    CONNECTION_LOST(410, 5271, "The connection was lost and not resumed in time.", Category.EXPECTED, true, 1000),
    PROTOCOL_ERROR(400, 6001, "The client broke the calling protocol.", Category.EXPECTED, false, 1008),
    INVALID_DISPLAY_NAME(400, 6010, "The display name is empty, too long or contains control characters.",
            Category.EXPECTED, false, 1008),
    INVALID_JOIN(400, 6011, "The join or resume message has a missing, unknown or invalid field.",
            Category.EXPECTED, false, 1008),
    MESSAGE_TOO_LARGE(413, 6002, "A message was larger than the server accepts.", Category.EXPECTED, false, 1009),
    FLOODING(429, 6003, "The client sent messages faster than the server accepts.", Category.EXPECTED, false, 1008),
    JOIN_TIMEOUT(408, 6004, "The connection did not join or resume in time.", Category.EXPECTED, false, 1008),
    TOO_MANY_CONNECTIONS(429, 6005, "Too many connections from this address have not joined yet.", Category.EXPECTED, false, 1008),
    MEETING_ELSEWHERE(307, 7101, "Another node serves this meeting; join it there (joinElsewhere names it).",
            Category.EXPECTED, true, 1000),
    MEETING_UNAVAILABLE(503, 7102, "The meeting cannot be served right now; join again in a moment.",
            Category.EXPECTED, true, 1013),
    MEETING_MOVED(503, 7103, "The meeting moved to another node while this one was cut off; join again.",
            Category.EXPECTED, true, 1001),
    SERVER_SHUTDOWN(503, 7100, "The server is restarting; join the meeting again.", Category.EXPECTED, true, 1001),
    INTERNAL_ERROR(500, 7500, "The server failed unexpectedly; join the meeting again.", Category.UNEXPECTED, true, 1011);

    /** The ACS {@code resultCategories} value. */
    public enum Category {
        SUCCESS("Success"), EXPECTED("ExpectedError"), UNEXPECTED("UnexpectedServerError");

        private final String wire;

        Category(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private final int code;
    private final int subCode;
    private final String message;
    private final Category category;
    private final boolean canRejoin;
    private final int closeCode;

    EndReason(int code, int subCode, String message, Category category, boolean canRejoin, int closeCode) {
        this.code = code;
        this.subCode = subCode;
        this.message = message;
        this.category = category;
        this.canRejoin = canRejoin;
        this.closeCode = closeCode;
    }

    public int code() {
        return code;
    }

    public int subCode() {
        return subCode;
    }

    public String message() {
        return message;
    }

    public Category category() {
        return category;
    }

    public boolean canRejoin() {
        return canRejoin;
    }

    /** The WebSocket close code that follows the final {@code stateChanged}. */
    public int closeCode() {
        return closeCode;
    }
}
