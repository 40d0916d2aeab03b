// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.attendance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What the attendance store holds and hands out: reports of meeting sessions and who attended them. */
public final class Attendance {
    private Attendance() { }

    /**
     * One stay of one person in a live meeting.
     *
     * @param rawId    {@code 8:acs:…} for a guest, {@code 8:orgid:<member id>} for a member
     * @param role     {@code organizer}, {@code presenter} or {@code attendee}
     * @param tenantId the member's tenant; null for guests
     * @param leftAt   null while the person is still in the meeting
     */
    public record Interval(String participantId, String rawId, String displayName, String role, boolean guest,
                           String tenantId, Instant joinedAt, Instant leftAt) {
        public long seconds() {
            return leftAt == null ? 0 : Math.max(0, Duration.between(joinedAt, leftAt).toSeconds());
        }
    }

    /** One session of a meeting: from the first person entering to the last one leaving. */
    public record Report(String id, String meetingId, Instant startedAt, Instant endedAt) { }

    /** Everything one identity did in one session (a Graph attendanceRecord). */
    public record Record(String rawId, String displayName, String role, boolean guest, String tenantId,
                         List<Interval> intervals) {
        public Record {
            intervals = List.copyOf(intervals);
        }

        public long totalSeconds() {
            return intervals.stream().mapToLong(Interval::seconds).sum();
        }
    }
}
