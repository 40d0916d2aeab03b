-- Read receipts of the meeting chat (issue 14): the latest receipt of each reader, kept with the meeting's
-- messages (forgotten with them) so the Chat API lists them after a restart. At most
-- ChatHistoryStore.MAX_READERS rows per meeting, the oldest receipt going first.
CREATE TABLE calling_chat_read_receipt (
    meeting_id    VARCHAR(64)   NOT NULL,
    reader_raw_id VARCHAR(300)  NOT NULL,
    message_id    VARCHAR(64)   NOT NULL,
    read_at       TIMESTAMP     NOT NULL,
    PRIMARY KEY (meeting_id, reader_raw_id)
);

CREATE INDEX calling_chat_read_by_time ON calling_chat_read_receipt (meeting_id, read_at);
