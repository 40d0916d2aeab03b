-- Communication resources (what a connection string points at), identities and token-signing keys.
-- All timestamps are UTC.
CREATE TABLE identity_resource (
    id            VARCHAR(36)  PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL UNIQUE,
    primary_key   VARCHAR(200) NOT NULL,
    secondary_key VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP    NOT NULL
);

CREATE TABLE identity_user (
    id                   VARCHAR(120) PRIMARY KEY,
    resource_id          VARCHAR(36)  NOT NULL REFERENCES identity_resource (id),
    created_at           TIMESTAMP    NOT NULL,
    revoked_before       TIMESTAMP,
    last_token_issued_at TIMESTAMP
);

CREATE TABLE identity_signing_key (
    key_id      VARCHAR(64)   PRIMARY KEY,
    private_jwk VARCHAR(8000) NOT NULL,
    created_at  TIMESTAMP     NOT NULL,
    retired_at  TIMESTAMP
);
