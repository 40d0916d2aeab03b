// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The JDBC database every module stores into: a HikariCP pool plus per-module Flyway migrations.
 *
 * <p>Each module owns its tables and keeps its migrations under {@code classpath:db/<module>} with a
 * history table of its own ({@code flyway_<module>}), so modules evolve their schemas independently and
 * version numbers never collide. The same migrations run on embedded H2 and on PostgreSQL.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final Dialect dialect;

    /** The SQL dialect in use; the few statements that differ ask this. */
    public enum Dialect { H2, POSTGRESQL }

    private Database(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    public static Database open(DatabaseConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setPoolName("porta-db");
        hc.setConnectionTimeout(config.connectTimeout().toMillis());
        hc.setInitializationFailTimeout(config.connectTimeout().toMillis());
        Dialect dialect = config.url().startsWith("jdbc:postgresql:") ? Dialect.POSTGRESQL : Dialect.H2;
        return new Database(new HikariDataSource(hc), dialect);
    }

    /** Applies the migrations of one module; idempotent. */
    public void migrate(String module) {
        if (!module.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("module name must be lowercase letters, digits or _: " + module);
        }
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(pool)
                .locations("classpath:db/" + module)
                .table("flyway_" + module)
                // Another module's tables may already be there; start this module's history at zero.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** True when a connection can be taken and answers a trivial query; for readiness checks. */
    public boolean isReachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** How deep {@link #unreachable} looks into a failure's causes. */
    private static final int MAX_CAUSES = 32;

    /**
     * Whether {@code failure} says that the database could not be reached (no connection within
     * {@code db.connect-timeout}, a connection lost, the server shutting down), as opposed to a statement the
     * database refused: such work may succeed unchanged once the database answers again. Looks through the
     * causes for a JDBC connection failure (SQLState class 08, or 57P: operator intervention).
     */
    public static boolean unreachable(Throwable failure) {
        int depth = 0;
        // bounded: causes may form a cycle (initCause allows A -> B -> A), which would loop forever
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null
                    && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
    }
}
