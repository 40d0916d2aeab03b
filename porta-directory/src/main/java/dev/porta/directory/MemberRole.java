// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Arrays;
import java.util.Optional;

/**
 * An administrator role a member may hold in its own tenant (docs/admin.md#roles). The admin API
 * checks it on every request a member's token makes: an auditor reads, a tenant admin also changes.
 */
public enum MemberRole {
    /** Everything the admin API offers, in the member's own tenant. */
    TENANT_ADMIN("tenant-admin"),
    /** Read-only: every GET of the admin API in the member's own tenant, the audit log included. */
    AUDITOR("auditor");

    private final String wireName;

    MemberRole(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the CLI, the API and the database: {@code tenant-admin}, {@code auditor}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<MemberRole> parse(String s) {
        return s == null ? Optional.empty() : Arrays.stream(values()).filter(r -> r.wireName.equals(s.trim())).findFirst();
    }
}
