// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import java.time.Instant;
import java.util.List;

/** Where audit events are stored: appended, read back by query, and purged when older than the retention. */
public interface AuditLog {
    void append(AuditEvent event);

    /** Events matching the query, in the order they were stored (ascending id). */
    List<AuditEvent> find(AuditQuery query);

    /** Deletes events older than {@code cutoff}; returns how many. */
    int purgeBefore(Instant cutoff);
}
