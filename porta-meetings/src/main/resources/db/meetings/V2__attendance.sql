-- Attendance reports (Graph meetingAttendanceReport): one per session of a live meeting, from the first
-- person entering to the last one leaving, with one interval per stay of each participant. Recorded by
-- the calling service (issue 14); deleted with their meeting.
CREATE TABLE meetings_attendance_report (
    id          VARCHAR(36)  PRIMARY KEY,
    meeting_id  VARCHAR(64)  NOT NULL REFERENCES meetings_online_meeting (id) ON DELETE CASCADE,
    started_at  TIMESTAMP    NOT NULL,
    ended_at    TIMESTAMP
);

CREATE INDEX meetings_attendance_by_meeting ON meetings_attendance_report (meeting_id, started_at);

CREATE TABLE meetings_attendance_interval (
    report_id       VARCHAR(36)  NOT NULL REFERENCES meetings_attendance_report (id) ON DELETE CASCADE,
    participant_id  VARCHAR(64)  NOT NULL,
    raw_id          VARCHAR(300) NOT NULL,
    display_name    VARCHAR(400) NOT NULL,
    role            VARCHAR(20)  NOT NULL,
    guest           BOOLEAN      NOT NULL,
    tenant_id       VARCHAR(36),
    joined_at       TIMESTAMP    NOT NULL,
    left_at         TIMESTAMP,
    PRIMARY KEY (report_id, participant_id)
);
