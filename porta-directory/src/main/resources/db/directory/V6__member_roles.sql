-- Issue 19: administrator roles held by members. tenant-admin: everything the admin API offers, in the
-- member's own tenant; auditor: read-only (GET) in the member's own tenant. A member holds each role at
-- most once; deleting the member deletes its roles.
CREATE TABLE directory_member_role (
    tenant_id  VARCHAR(36)  NOT NULL,
    member_id  VARCHAR(36)  NOT NULL REFERENCES directory_member (id) ON DELETE CASCADE,
    role       VARCHAR(32)  NOT NULL,
    CONSTRAINT directory_member_role_pk PRIMARY KEY (member_id, role)
);
