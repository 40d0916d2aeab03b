-- Issue 14: OAuth refresh tokens for members (offline_access). Only a SHA-256 hash of each token is
-- stored (tokens are 256 random bits, so a fast hash suffices; nothing here can be replayed). Tokens
-- rotate: each use marks the row used and adds the next token of the same family; presenting a used
-- token revokes the whole family (a stolen token and its legitimate twin both stop working).
CREATE TABLE directory_refresh_token (
    token_hash  VARCHAR(64)   PRIMARY KEY,
    family_id   VARCHAR(36)   NOT NULL,
    tenant_id   VARCHAR(36)   NOT NULL,
    member_id   VARCHAR(36)   NOT NULL REFERENCES directory_member (id) ON DELETE CASCADE,
    client_id   VARCHAR(36)   NOT NULL,
    scopes      VARCHAR(1024) NOT NULL,
    audience    VARCHAR(512)  NOT NULL,
    issued_at   TIMESTAMP     NOT NULL,
    expires_at  TIMESTAMP     NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP
);

CREATE INDEX directory_refresh_token_family ON directory_refresh_token (family_id);
CREATE INDEX directory_refresh_token_member ON directory_refresh_token (member_id);
CREATE INDEX directory_refresh_token_expiry ON directory_refresh_token (expires_at);
