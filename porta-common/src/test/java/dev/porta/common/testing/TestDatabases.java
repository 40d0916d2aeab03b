// SPDX-License-Identifier: Apache-2.0
package dev.porta.common.testing;

import dev.porta.common.Database;
import dev.porta.common.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * Fresh, empty databases for storage tests: embedded H2 in memory, and PostgreSQL on loopback
 * ({@code PORTA_TEST_PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/}, user {@code postgres},
 * trust auth). Each call creates a new database, dropped when the returned handle closes.
 */
public final class TestDatabases {
    private TestDatabases() { }

    /** A fresh PostgreSQL or H2 database, chosen by name: "h2" or "postgresql". */
    public static TestDatabase create(String kind) {
        return switch (kind) {
            case "h2" -> h2();
            case "postgresql" -> postgres();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    public static TestDatabase h2() {
        Database db = Database.open(DatabaseConfig.h2Memory("t" + UUID.randomUUID().toString().replace("-", "")));
        return new TestDatabase(db, () -> { });
    }

    /** A new PostgreSQL database; skips (or fails under porta.require) when no server answers. */
    public static TestDatabase postgres() {
        EmptyPostgres pg = emptyPostgres();
        Database db = Database.open(new DatabaseConfig(pg.url(), pg.user(), "", 4, Duration.ofSeconds(5)));
        return new TestDatabase(db, pg::close);
    }

    /**
     * A new, empty PostgreSQL database that nothing has opened yet (a whole Porta opens it through
     * {@code db.url}); skips, or fails under porta.require, when no server answers.
     */
    public static EmptyPostgres emptyPostgres() {
        String base = System.getenv().getOrDefault("PORTA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
        String user = System.getenv().getOrDefault("PORTA_TEST_PG_USER", "postgres");
        String name = "porta_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        boolean up;
        try (Connection c = DriverManager.getConnection(base + "postgres", user, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            up = true;
        } catch (SQLException e) {
            up = false;
        }
        RequiredService.require("postgresql", up,
                "Start PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres (.ci/run does this)");
        return new EmptyPostgres(base + name, user, () -> {
            try (Connection c = DriverManager.getConnection(base + "postgres", user, "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        });
    }

    /** A PostgreSQL database by JDBC URL (trust auth, no password), dropped on close. */
    public record EmptyPostgres(String url, String user, Cleanup drop) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            drop.run();
        }
    }

    /** A database handle that removes its database on close. */
    public record TestDatabase(Database database, Cleanup cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            database.close();
            cleanup.run();
        }
    }

    @FunctionalInterface
    public interface Cleanup {
        void run() throws Exception;
    }
}
