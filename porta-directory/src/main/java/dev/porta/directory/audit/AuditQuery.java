// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.Optional;

/**
 * Which stored events to read, oldest first: those after the cursor (the last id already read),
 * within [since, until), optionally of one action, actor or tenant, at most {@code limit}.
 */
public record AuditQuery(Optional<Instant> since, Optional<Instant> until, Optional<AuditAction> action,
                         Optional<AuditActor> actor, Optional<TenantId> tenant, long afterId, int limit) {
    /** The most one page may hold; the admin API and the CLI page through more with the cursor. */
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
        if (afterId < 0) {
            throw new IllegalArgumentException("afterId must not be negative");
        }
    }

    public static AuditQuery all(int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, limit);
    }

    public AuditQuery after(long id) {
        return new AuditQuery(since, until, action, actor, tenant, id, limit);
    }
}
