// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.attendance;

import dev.porta.common.Database;
import dev.porta.common.Sql;
import dev.porta.meetings.MeetingId;
import dev.porta.meetings.attendance.Attendance.Interval;
import dev.porta.meetings.attendance.Attendance.Record;
import dev.porta.meetings.attendance.Attendance.Report;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Attendance reports on H2 or PostgreSQL. A session's report is open (no end) while its live meeting runs;
 * reports are served once they are closed. One session keeps at most {@link #MAX_INTERVALS_PER_REPORT}
 * stays, so a join-and-leave loop cannot fill the database.
 */
public final class JdbcAttendanceStore {
    public static final int MAX_INTERVALS_PER_REPORT = 20_000;
    /** The most reports one meeting keeps (oldest first out): a standing meeting used every day for years. */
    public static final int MAX_REPORTS_PER_MEETING = 1_000;

    private final Sql sql;

    /** @param db a database the meetings migrations have run on (JdbcMeetingStore runs them) */
    public JdbcAttendanceStore(Database db) {
        db.migrate("meetings");
        this.sql = new Sql(db);
    }

    /** A participant entered; opens the meeting's session report when none is open. */
    public void entered(String meetingId, Interval stay) {
        sql.transaction(c -> {
            String reportId = openReport(c, meetingId).orElse(null);
            if (reportId == null) {
                reportId = UUID.randomUUID().toString();
                Sql.update(c, "INSERT INTO meetings_attendance_report (id, meeting_id, started_at) VALUES (?, ?, ?)",
                        reportId, meetingId, stay.joinedAt());
                Sql.update(c, "DELETE FROM meetings_attendance_report WHERE meeting_id = ? AND id NOT IN (SELECT id FROM "
                        + "meetings_attendance_report WHERE meeting_id = ? ORDER BY started_at DESC LIMIT " + MAX_REPORTS_PER_MEETING + ")",
                        meetingId, meetingId);
            }
            long stays = Sql.list(c, "SELECT COUNT(*) FROM meetings_attendance_interval WHERE report_id = ?",
                    rs -> rs.getLong(1), reportId).getFirst();
            if (stays < MAX_INTERVALS_PER_REPORT) {
                Sql.update(c, "INSERT INTO meetings_attendance_interval (report_id, participant_id, raw_id, display_name, role, guest, "
                                + "tenant_id, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reportId, stay.participantId(), stay.rawId(),
                        stay.displayName(), stay.role(), stay.guest(), stay.tenantId(), stay.joinedAt());
            }
            return null;
        });
    }

    /** A participant left the meeting's running session. */
    public void left(String meetingId, String participantId, Instant at) {
        sql.update("UPDATE meetings_attendance_interval SET left_at = ? WHERE participant_id = ? AND left_at IS NULL AND report_id IN "
                + "(SELECT id FROM meetings_attendance_report WHERE meeting_id = ? AND ended_at IS NULL)", at, participantId, meetingId);
    }

    /** The meeting's session is over: its report closes, with everyone still in it leaving now. */
    public void sessionEnded(String meetingId, Instant at) {
        sql.transaction(c -> {
            Optional<String> report = openReport(c, meetingId);
            if (report.isPresent()) {
                close(c, report.get(), at);
            }
            return null;
        });
    }

    /**
     * Closes sessions a stopped server left open (nobody is in a meeting after a restart), at their last
     * recorded event rather than now, so a night of downtime does not count as attendance.
     *
     * @return how many were closed
     */
    public int closeInterruptedSessions() {
        return sql.transaction(c -> {
            List<String> open = Sql.list(c, "SELECT id FROM meetings_attendance_report WHERE ended_at IS NULL", rs -> rs.getString(1));
            for (String id : open) {
                Instant last = Sql.list(c, "SELECT r.started_at, MAX(i.joined_at) AS j, MAX(i.left_at) AS l FROM meetings_attendance_report r "
                        + "LEFT JOIN meetings_attendance_interval i ON i.report_id = r.id WHERE r.id = ? GROUP BY r.started_at", rs -> latest(
                        Sql.instant(rs, "started_at").orElseThrow(), Sql.instant(rs, "j"), Sql.instant(rs, "l")), id).getFirst();
                close(c, id, last);
            }
            return open.size();
        });
    }

    /** The meeting's closed session reports, oldest first. */
    public List<Report> reports(MeetingId meeting) {
        return sql.list("SELECT * FROM meetings_attendance_report WHERE meeting_id = ? AND ended_at IS NOT NULL ORDER BY started_at, id",
                JdbcAttendanceStore::report, meeting.value());
    }

    public Optional<Report> report(MeetingId meeting, String reportId) {
        return sql.one("SELECT * FROM meetings_attendance_report WHERE meeting_id = ? AND id = ? AND ended_at IS NOT NULL",
                JdbcAttendanceStore::report, meeting.value(), reportId);
    }

    /** The report's records: one per identity, its stays in order, in order of first entry. */
    public List<Record> records(String reportId) {
        List<Interval> stays = sql.list("SELECT * FROM meetings_attendance_interval WHERE report_id = ? ORDER BY joined_at, participant_id",
                rs -> new Interval(rs.getString("participant_id"), rs.getString("raw_id"), rs.getString("display_name"),
                        rs.getString("role"), rs.getBoolean("guest"), rs.getString("tenant_id"),
                        Sql.instant(rs, "joined_at").orElseThrow(), Sql.instant(rs, "left_at").orElse(null)), reportId);
        Map<String, List<Interval>> byIdentity = new LinkedHashMap<>();
        stays.forEach(s -> byIdentity.computeIfAbsent(s.rawId(), k -> new ArrayList<>()).add(s));
        List<Record> out = new ArrayList<>(byIdentity.size());
        byIdentity.forEach((rawId, list) -> {
            Interval last = list.getLast();
            out.add(new Record(rawId, last.displayName(), list.getFirst().role(), last.guest(), last.tenantId(), list));
        });
        return out;
    }

    private static Optional<String> openReport(Connection c, String meetingId) throws SQLException {
        return Sql.list(c, "SELECT id FROM meetings_attendance_report WHERE meeting_id = ? AND ended_at IS NULL ORDER BY started_at DESC",
                rs -> rs.getString(1), meetingId).stream().findFirst();
    }

    private static void close(Connection c, String reportId, Instant at) throws SQLException {
        Sql.update(c, "UPDATE meetings_attendance_interval SET left_at = ? WHERE report_id = ? AND left_at IS NULL", at, reportId);
        Sql.update(c, "UPDATE meetings_attendance_report SET ended_at = ? WHERE id = ?", at, reportId);
    }

    private static Instant latest(Instant start, Optional<Instant> joined, Optional<Instant> left) {
        Instant t = start;
        if (joined.isPresent() && joined.get().isAfter(t)) {
            t = joined.get();
        }
        if (left.isPresent() && left.get().isAfter(t)) {
            t = left.get();
        }
        return t;
    }

    private static Report report(ResultSet rs) throws SQLException {
        return new Report(rs.getString("id"), rs.getString("meeting_id"), Sql.instant(rs, "started_at").orElseThrow(),
                Sql.instant(rs, "ended_at").orElse(null));
    }
}
