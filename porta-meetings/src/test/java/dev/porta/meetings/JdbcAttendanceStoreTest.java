// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.TestDatabases;
import dev.porta.meetings.attendance.Attendance.Interval;
import dev.porta.meetings.attendance.JdbcAttendanceStore;
import dev.porta.meetings.attendance.Attendance.Record;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcAttendanceStoreTest {
    private static final Instant T0 = Instant.parse("2030-01-15T09:00:00Z");
    private static final String ADA = "8:acs:11111111-1111-4111-8111-111111111111_00000001-aaaa-bbbb-cccc-000000000001";

    private static Interval stay(String participantId, String rawId, String name, String role, boolean guest, int minute) {
        return new Interval(participantId, rawId, name, role, guest, guest ? null : "11111111-1111-4111-8111-111111111111",
                T0.plusSeconds(60L * minute), null);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aSessionBecomesOneReportWithOneRecordPerIdentityAndIsServedOnlyOnceItEnded(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            OnlineMeeting m = MeetingStoreTest.meeting(null, "123456789012");
            new JdbcMeetingStore(t.database()).insert(m);
            JdbcAttendanceStore store = new JdbcAttendanceStore(t.database());
            String meeting = m.id().value();

            store.entered(meeting, stay("p-org", "8:orgid:org", "Olivia", "organizer", false, 0));
            store.entered(meeting, stay("p-ada1", ADA, "Ada", "attendee", true, 2));
            store.left(meeting, "p-ada1", T0.plusSeconds(600));
            store.entered(meeting, stay("p-ada2", ADA, "Ada", "attendee", true, 15)); // came back
            assertThat(store.reports(m.id())).as("a running session is not a report yet").isEmpty();
            store.sessionEnded(meeting, T0.plusSeconds(1800));

            var reports = store.reports(m.id());
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.startedAt()).isEqualTo(T0);
                assertThat(r.endedAt()).isEqualTo(T0.plusSeconds(1800));
            });
            List<Record> records = store.records(reports.getFirst().id());
            assertThat(records).extracting(Record::rawId).containsExactly("8:orgid:org", ADA);
            Record ada = records.get(1);
            assertThat(ada.guest()).isTrue();
            assertThat(ada.intervals()).extracting(Interval::seconds).containsExactly(480L, 900L);
            assertThat(ada.totalSeconds()).isEqualTo(1380L);
            assertThat(records.getFirst().totalSeconds()).isEqualTo(1800L);

            store.entered(meeting, stay("p-org2", "8:orgid:org", "Olivia", "organizer", false, 60));
            store.sessionEnded(meeting, T0.plusSeconds(3900));
            assertThat(store.reports(m.id())).as("the next session is another report").hasSize(2);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aSessionCutByARestartEndsAtItsLastEventNotAtTheRestart(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            OnlineMeeting m = MeetingStoreTest.meeting(null, "123456789012");
            new JdbcMeetingStore(t.database()).insert(m);
            JdbcAttendanceStore store = new JdbcAttendanceStore(t.database());
            store.entered(m.id().value(), stay("p-org", "8:orgid:org", "Olivia", "organizer", false, 0));
            store.entered(m.id().value(), stay("p-ada", ADA, "Ada", "attendee", true, 5));

            assertThat(new JdbcAttendanceStore(t.database()).closeInterruptedSessions()).isEqualTo(1);

            var report = store.reports(m.id()).getFirst();
            assertThat(report.endedAt()).isEqualTo(T0.plusSeconds(300));
            assertThat(store.records(report.id()).getFirst().totalSeconds()).isEqualTo(300L);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void reportsGoWithTheirMeeting(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            OnlineMeeting m = MeetingStoreTest.meeting(null, "123456789012");
            JdbcMeetingStore meetings = new JdbcMeetingStore(t.database());
            meetings.insert(m);
            JdbcAttendanceStore store = new JdbcAttendanceStore(t.database());
            store.entered(m.id().value(), stay("p-org", "8:orgid:org", "Olivia", "organizer", false, 0));
            store.sessionEnded(m.id().value(), T0.plusSeconds(60));
            meetings.delete(m.id());
            assertThat(store.reports(m.id())).isEmpty();
        }
    }
}
