// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import dev.porta.directory.TenantId;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin API, the admin CLI and the token endpoint call to record an event, stamped with the
 * clock's time. A failure to store is logged and does not undo the action it describes (the change is
 * already committed in the directory); the error log line carries the event so nothing is lost silently.
 */
public final class Audit {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Audit.class);
    private static final Audit OFF = new Audit(null, Clock.systemUTC());

    private final AuditLog log;
    private final Clock clock;

    public Audit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Records nothing and reads nothing: for wiring that has no audit log (some tests). */
    public static Audit off() {
        return OFF;
    }

    public boolean isOn() {
        return log != null;
    }

    public void record(Optional<TenantId> tenant, AuditActor actor, AuditAction action, String target, String clientAddress,
                       Map<String, String> details) {
        if (log == null) {
            return;
        }
        AuditEvent e = AuditEvent.of(clock.instant(), tenant, actor, action, target, clientAddress, details);
        try {
            log.append(e);
        } catch (RuntimeException ex) {
            LOG.error("could not store audit event {}", e.toJson(), ex);
        }
    }

    public void record(TenantId tenant, AuditActor actor, AuditAction action, String target, String clientAddress,
                       Map<String, String> details) {
        record(Optional.ofNullable(tenant), actor, action, target, clientAddress, details);
    }

    public List<AuditEvent> find(AuditQuery q) {
        return log == null ? List.of() : log.find(q);
    }
}
