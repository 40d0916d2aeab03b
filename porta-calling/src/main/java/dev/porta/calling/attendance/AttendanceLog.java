// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.attendance;

import java.time.Instant;

/**
 * Who was in a live meeting and when, for the attendance reports Graph serves (issue 14). Calling tells
 * it what happens; the server stores it. Called on the meeting's actor: implementations must
 * return at once (queue the work) and never call back into calling.
 */
public interface AttendanceLog {

    /**
     * One person in the meeting (not the lobby).
     *
     * @param rawId    the ACS raw identity: {@code 8:acs:…} for a guest, {@code 8:orgid:<member id>} for a member
     * @param tenantId the member's tenant; null for guests
     * @param role     {@code organizer}, {@code presenter} or {@code attendee}
     */
    record Attendee(String participantId, String rawId, String displayName, String role, boolean guest, String tenantId) { }

    /** A participant entered the meeting; the first one of a session begins it (and its report). */
    void entered(String meetingId, Attendee attendee, Instant at);

    /** A participant who had entered left the meeting (any reason). */
    void left(String meetingId, String participantId, Instant at);

    /** The last person left: the session is over. */
    void sessionEnded(String meetingId, Instant at);

    /** Records nothing (tests, and servers without a database). */
    AttendanceLog NONE = new AttendanceLog() {
        @Override
        public void entered(String meetingId, Attendee attendee, Instant at) { }

        @Override
        public void left(String meetingId, String participantId, Instant at) { }

        @Override
        public void sessionEnded(String meetingId, Instant at) { }
    };
}
