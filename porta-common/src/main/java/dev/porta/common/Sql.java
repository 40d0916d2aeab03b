// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain SQL over the pool, without an ORM: parameterised statements only, so no value is ever spliced
 * into SQL text. Instants are stored as UTC timestamps; both H2 and PostgreSQL read them back exactly.
 */
public final class Sql {
    private final Database db;

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection c) throws SQLException;
    }

    public Sql(Database db) {
        this.db = db;
    }

    public int update(String sql, Object... params) {
        try (Connection c = db.connection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw new StorageException(sql, e);
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = db.connection()) {
            return list(c, sql, mapper, params);
        } catch (SQLException e) {
            throw new StorageException(sql, e);
        }
    }

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = list(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T transaction(TransactionWork<T> work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException("transaction", e);
        }
    }

    /** Reads a nullable timestamp column as an Instant. */
    public static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")));
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant), java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")));
            } else if (p instanceof Optional<?> opt) {
                Object v = opt.orElse(null);
                if (v instanceof Instant instant) {
                    ps.setTimestamp(i + 1, Timestamp.from(instant), java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")));
                } else {
                    ps.setObject(i + 1, v);
                }
            } else if (p instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    /** A database fault; callers answer 500 without details and log the cause. */
    public static final class StorageException extends RuntimeException {
        public StorageException(String what, SQLException cause) {
            super("storage failure in: " + what, cause);
        }
    }
}
