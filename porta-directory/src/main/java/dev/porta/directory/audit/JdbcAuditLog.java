// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import dev.porta.common.Database;
import dev.porta.common.Sql;
import dev.porta.directory.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link AuditLog} on H2 or PostgreSQL: table {@code directory_audit_event} (db/directory V5). */
public final class JdbcAuditLog implements AuditLog {
    private final Sql sql;

    public JdbcAuditLog(Database db) {
        db.migrate("directory");
        this.sql = new Sql(db);
    }

    @Override
    public void append(AuditEvent e) {
        sql.update("INSERT INTO directory_audit_event (occurred_at, tenant_id, actor, action, target, client_address, details) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                e.time(), e.tenant().map(TenantId::value).orElse(null), e.actor().value(), e.action().name(), e.target(),
                e.clientAddress(), e.detailsJson());
    }

    @Override
    public List<AuditEvent> find(AuditQuery q) {
        StringBuilder where = new StringBuilder("id > ?");
        List<Object> params = new ArrayList<>();
        params.add(q.afterId());
        q.since().ifPresent(t -> { where.append(" AND occurred_at >= ?"); params.add(t); });
        q.until().ifPresent(t -> { where.append(" AND occurred_at < ?"); params.add(t); });
        q.action().ifPresent(a -> { where.append(" AND action = ?"); params.add(a.name()); });
        q.actor().ifPresent(a -> { where.append(" AND actor = ?"); params.add(a.value()); });
        q.tenant().ifPresent(t -> { where.append(" AND tenant_id = ?"); params.add(t.value()); });
        params.add(q.limit());
        // only fixed SQL fragments are appended above; every value is a parameter
        return sql.list("SELECT * FROM directory_audit_event WHERE " + where + " ORDER BY id LIMIT ?",
                JdbcAuditLog::event, params.toArray());
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return sql.update("DELETE FROM directory_audit_event WHERE occurred_at < ?", cutoff);
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        String tenant = rs.getString("tenant_id");
        return new AuditEvent(rs.getLong("id"), Sql.instant(rs, "occurred_at").orElseThrow(),
                Optional.ofNullable(tenant).map(TenantId::new), new AuditActor(rs.getString("actor")),
                AuditAction.valueOf(rs.getString("action")), rs.getString("target"), rs.getString("client_address"),
                AuditEvent.parseDetails(rs.getString("details")));
    }
}
