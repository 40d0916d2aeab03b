-- Tenants, members, app registrations with hashed secrets, application access policies, meeting
-- policies and the token issuer's signing keys. All timestamps are UTC.
CREATE TABLE directory_tenant (
    id           VARCHAR(36)  PRIMARY KEY,
    display_name VARCHAR(256) NOT NULL,
    created_at   TIMESTAMP    NOT NULL
);

CREATE TABLE directory_member (
    id             VARCHAR(36)  PRIMARY KEY,
    tenant_id      VARCHAR(36)  NOT NULL REFERENCES directory_tenant (id),
    upn            VARCHAR(256) NOT NULL,
    display_name   VARCHAR(256) NOT NULL,
    password_hash  VARCHAR(256) NOT NULL,
    enabled        BOOLEAN      NOT NULL,
    created_at     TIMESTAMP    NOT NULL,
    CONSTRAINT directory_member_upn UNIQUE (tenant_id, upn)
);

CREATE TABLE directory_app (
    client_id     VARCHAR(36)   PRIMARY KEY,
    tenant_id     VARCHAR(36)   NOT NULL REFERENCES directory_tenant (id),
    object_id     VARCHAR(36)   NOT NULL,
    display_name  VARCHAR(256)  NOT NULL,
    permissions   VARCHAR(400)  NOT NULL,
    redirect_uris VARCHAR(4000) NOT NULL,
    created_at    TIMESTAMP     NOT NULL
);

CREATE TABLE directory_app_secret (
    id          VARCHAR(36)  PRIMARY KEY,
    client_id   VARCHAR(36)  NOT NULL REFERENCES directory_app (client_id) ON DELETE CASCADE,
    secret_hash VARCHAR(256) NOT NULL,
    hint        VARCHAR(8)   NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL
);

-- A named list of apps; granted to one member, or tenant-wide with member_id '*'.
CREATE TABLE directory_access_policy_app (
    tenant_id   VARCHAR(36)  NOT NULL REFERENCES directory_tenant (id),
    policy_name VARCHAR(100) NOT NULL,
    client_id   VARCHAR(36)  NOT NULL,
    PRIMARY KEY (tenant_id, policy_name, client_id)
);

CREATE TABLE directory_access_policy_grant (
    tenant_id   VARCHAR(36)  NOT NULL REFERENCES directory_tenant (id),
    member_id   VARCHAR(36)  NOT NULL,
    policy_name VARCHAR(100) NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);

-- The tenant's policy has member_id '*'; an organizer's override has their member id.
CREATE TABLE directory_meeting_policy (
    tenant_id            VARCHAR(36)   NOT NULL REFERENCES directory_tenant (id),
    member_id            VARCHAR(36)   NOT NULL,
    allow_anonymous_join BOOLEAN       NOT NULL,
    lobby_bypass_scopes  VARCHAR(400)  NOT NULL,
    guest_capabilities   VARCHAR(1000) NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);

CREATE TABLE directory_signing_key (
    key_id      VARCHAR(64)   PRIMARY KEY,
    private_jwk VARCHAR(8000) NOT NULL,
    created_at  TIMESTAMP     NOT NULL,
    retired_at  TIMESTAMP
);
