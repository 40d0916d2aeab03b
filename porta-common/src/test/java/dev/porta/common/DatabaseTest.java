// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTest {

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void migrationsRunOnceAndRowsRoundTrip(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            Database db = t.database();
            db.migrate("commontest");
            db.migrate("commontest"); // a second start applies nothing and fails nothing

            OffsetDateTime at = OffsetDateTime.of(2026, 11, 22, 10, 0, 0, 0, ZoneOffset.UTC);
            try (Connection c = db.connection();
                 PreparedStatement ins = c.prepareStatement("INSERT INTO common_test_note (id, body, created_at) VALUES (?, ?, ?)")) {
                ins.setLong(1, 1);
                ins.setString(2, "hello");
                ins.setObject(3, at);
                ins.executeUpdate();
            }
            try (Connection c = db.connection();
                 PreparedStatement q = c.prepareStatement("SELECT body, created_at FROM common_test_note WHERE id = 1");
                 ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("hello");
                assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(at.toInstant());
            }
            assertThat(db.isReachable()).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void aLostOrMissingConnectionIsUnreachableAndARefusedStatementIsNot() {
        var refused = new java.sql.SQLException("connection refused", "08001");
        var timedOut = new java.sql.SQLTransientConnectionException("porta-db - Connection is not available, request timed out");
        var shutdown = new java.sql.SQLException("terminating connection due to administrator command", "57P01");

        assertThat(Database.unreachable(new Sql.StorageException("SELECT 1", refused))).isTrue();
        assertThat(Database.unreachable(new IllegalStateException(timedOut))).isTrue();
        assertThat(Database.unreachable(shutdown)).isTrue();
        assertThat(Database.unreachable(new Sql.StorageException("INSERT", new java.sql.SQLException("duplicate key", "23505")))).isFalse();
        assertThat(Database.unreachable(new IllegalStateException("a bug"))).isFalse();
    }

    @org.junit.jupiter.api.Test
    // without the bound it would never return: a thread of its own, so that the test fails instead of hanging
    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aFailureWhoseCausesFormACycleIsAnsweredNotLoopedOver() {
        var a = new IllegalStateException("a");
        var b = new IllegalStateException("b", a);
        a.initCause(b);

        assertThat(Database.unreachable(a)).isFalse();
    }
}
