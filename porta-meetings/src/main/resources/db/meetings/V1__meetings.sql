-- Online meetings. The join link is not stored: it is built from the thread id, tenant and organizer
-- under Porta's current public URL, so a changed host name does not break stored meetings.
CREATE TABLE meetings_online_meeting (
    id                 VARCHAR(64)    PRIMARY KEY,
    tenant_id          VARCHAR(36)    NOT NULL,
    organizer_id       VARCHAR(36)    NOT NULL,
    subject            VARCHAR(1024),
    start_at           TIMESTAMP      NOT NULL,
    end_at             TIMESTAMP      NOT NULL,
    created_at         TIMESTAMP      NOT NULL,
    expiry_at          TIMESTAMP,
    external_id        VARCHAR(256),
    join_meeting_id    VARCHAR(16)    NOT NULL,
    passcode           VARCHAR(16)    NOT NULL,
    passcode_required  BOOLEAN        NOT NULL,
    thread_id          VARCHAR(128)   NOT NULL,
    lobby_scope        VARCHAR(40)    NOT NULL,
    dial_in_bypass     BOOLEAN        NOT NULL,
    allowed_presenters VARCHAR(40)    NOT NULL,
    attendees_json     VARCHAR(200000) NOT NULL,
    options_json       VARCHAR(20000) NOT NULL,
    CONSTRAINT meetings_join_meeting_id UNIQUE (join_meeting_id),
    CONSTRAINT meetings_thread_id UNIQUE (thread_id),
    CONSTRAINT meetings_external_id UNIQUE (tenant_id, organizer_id, external_id)
);

CREATE INDEX meetings_by_organizer ON meetings_online_meeting (tenant_id, organizer_id);
