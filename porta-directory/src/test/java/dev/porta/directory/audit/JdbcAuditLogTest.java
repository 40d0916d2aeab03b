// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The audit log's storage, on both databases. */
class JdbcAuditLogTest {
    private static final TenantId TENANT = new TenantId("11111111-1111-4111-8111-111111111111");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void eventsAreReadBackInOrderWithWhoWhatWhereAndFilteredByActionActorTimeAndCursor(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var log = new JdbcAuditLog(t.database());
            var audit = new Audit(log, clock);
            audit.record(TENANT, AuditActor.ADMIN_KEY, AuditAction.MEETING_POLICY_CHANGED, "tenant", "203.0.113.7",
                    Map.of("allowAnonymousJoin", "true -> false"));
            clock.advance(Duration.ofMinutes(1));
            audit.record(TENANT, AuditActor.ANONYMOUS, AuditAction.MEMBER_SIGN_IN_FAILED, "adele@contoso.example", "198.51.100.1", Map.of());
            clock.advance(Duration.ofMinutes(1));
            audit.record(Optional.empty(), AuditActor.adminCli("root"), AuditAction.ACCESS_KEY_ROTATED, "primary", "local", Map.of());

            var all = log.find(AuditQuery.all(10));
            assertThat(all).extracting(AuditEvent::action).containsExactly(AuditAction.MEETING_POLICY_CHANGED,
                    AuditAction.MEMBER_SIGN_IN_FAILED, AuditAction.ACCESS_KEY_ROTATED);
            AuditEvent first = all.getFirst();
            assertThat(first.time()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
            assertThat(first.tenant()).contains(TENANT);
            assertThat(first.actor().value()).isEqualTo("admin-key");
            assertThat(first.clientAddress()).isEqualTo("203.0.113.7");
            assertThat(first.details()).containsEntry("allowAnonymousJoin", "true -> false");
            assertThat(all.get(2).tenant()).isEmpty();
            assertThat(all.get(2).actor().value()).isEqualTo("admin-cli:root");

            var q = AuditQuery.all(10);
            assertThat(log.find(new AuditQuery(q.since(), q.until(), Optional.of(AuditAction.MEMBER_SIGN_IN_FAILED), q.actor(), q.tenant(), 0, 10)))
                    .singleElement().extracting(AuditEvent::target).isEqualTo("adele@contoso.example");
            assertThat(log.find(new AuditQuery(q.since(), q.until(), q.action(), Optional.of(AuditActor.ADMIN_KEY), q.tenant(), 0, 10)))
                    .singleElement().extracting(AuditEvent::action).isEqualTo(AuditAction.MEETING_POLICY_CHANGED);
            assertThat(log.find(new AuditQuery(Optional.of(Instant.parse("2026-11-22T10:01:00Z")), Optional.of(Instant.parse("2026-11-22T10:02:00Z")),
                    q.action(), q.actor(), q.tenant(), 0, 10))).extracting(AuditEvent::action).containsExactly(AuditAction.MEMBER_SIGN_IN_FAILED);
            var page1 = log.find(AuditQuery.all(2));
            assertThat(page1).hasSize(2);
            assertThat(log.find(AuditQuery.all(2).after(page1.getLast().id()))).extracting(AuditEvent::action)
                    .containsExactly(AuditAction.ACCESS_KEY_ROTATED);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void eventsOlderThanTheRetentionArePurged(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var log = new JdbcAuditLog(t.database());
            var audit = new Audit(log, clock);
            audit.record(TENANT, AuditActor.ADMIN_KEY, AuditAction.TENANT_CREATED, "old", "127.0.0.1", Map.of());
            clock.advance(Duration.ofDays(300));
            audit.record(TENANT, AuditActor.ADMIN_KEY, AuditAction.APP_REGISTERED, "new", "127.0.0.1", Map.of());
            clock.advance(Duration.ofDays(100));

            try (var retention = new AuditRetention(log, Duration.ofDays(365), Duration.ofDays(1), clock)) {
                retention.purge();
            }
            assertThat(log.find(AuditQuery.all(10))).extracting(AuditEvent::target).containsExactly("new");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void oneEventHoldsABoundedAmountWhateverTheCallerPasses(String kind) throws Exception {
        try (var t = TestDatabases.create(kind)) {
            var log = new JdbcAuditLog(t.database());
            Map<String, String> huge = new LinkedHashMap<>();
            for (int i = 0; i < 1000; i++) {
                huge.put("k" + i, "\"\\".repeat(5000));
            }
            huge.put("bad key with spaces", "x");
            new Audit(log, clock).record(TENANT, AuditActor.ANONYMOUS, AuditAction.MEMBER_SIGN_IN_FAILED,
                    "x\n{\"forged\":1}".repeat(10_000), "a".repeat(10_000), huge);

            AuditEvent e = log.find(AuditQuery.all(1)).getFirst();
            assertThat(e.details()).hasSize(AuditEvent.MAX_DETAILS + 1).containsEntry("truncated", "true");
            assertThat(e.details().values()).allSatisfy(v -> assertThat(v.length()).isLessThanOrEqualTo(AuditEvent.MAX_VALUE + 1));
            assertThat(e.target()).hasSizeLessThanOrEqualTo(AuditEvent.MAX_TARGET + 1).doesNotContain("\n");
            assertThat(e.clientAddress()).hasSizeLessThanOrEqualTo(AuditEvent.MAX_ADDRESS + 1);
            assertThat(e.toJson().toString().length()).as("one exported line").isLessThan(8192);
        }
    }
}
