// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MeetingStoreTest {
    private static final TenantId TENANT = new TenantId("11111111-1111-4111-8111-111111111111");
    private static final MemberId ORGANIZER = new MemberId("22222222-2222-4222-8222-222222222222");

    static OnlineMeeting meeting(String externalId, String joinMeetingId) {
        return new OnlineMeeting(MeetingId.random(), TENANT, ORGANIZER, "Contoso support call",
                Instant.parse("2030-01-15T09:00:00Z"), Instant.parse("2030-01-15T09:30:00Z"), Instant.parse("2026-11-22T10:00:00.123Z"),
                null, externalId, joinMeetingId, "Xy7Qp2", true, JoinLinks.newThreadId(),
                List.of(new Attendee("33333333-3333-4333-8333-333333333333", "Adele Vance", "adele@contoso.example", MeetingRole.PRESENTER)),
                new LobbyBypass(LobbyBypassScope.EVERYONE, true), AllowedPresenters.ORGANIZER,
                MeetingOptions.defaults().with(Map.of("allowMeetingChat", "limited", "watermarkProtection.isEnabledForVideo", true)));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void meetingsRoundTripSurviveARestartAndKeepTheirUniqueValuesUnique(String db) throws Exception {
        try (var t = TestDatabases.create(db)) {
            OnlineMeeting m = meeting("ext-1", "123456789012");
            new JdbcMeetingStore(t.database()).insert(m);

            JdbcMeetingStore restarted = new JdbcMeetingStore(t.database());
            assertThat(restarted.find(m.id())).contains(m);
            assertThat(restarted.findByThreadId(m.threadId())).contains(m);
            assertThat(restarted.findByJoinMeetingId("123456789012")).contains(m);
            assertThat(restarted.findByExternalId(TENANT, ORGANIZER, "ext-1")).contains(m);

            assertThatThrownBy(() -> restarted.insert(meeting("ext-2", "123456789012"))).isInstanceOf(MeetingStore.DuplicateException.class);
            assertThatThrownBy(() -> restarted.insert(meeting("ext-1", "999999999999"))).isInstanceOf(MeetingStore.DuplicateException.class);
            restarted.insert(meeting(null, "111111111111"));
            restarted.insert(meeting(null, "222222222222"));

            OnlineMeeting renamed = m.withChanges("Renamed", m.start(), m.end(), m.expiry(), List.of(), m.lobbyBypass(),
                    AllowedPresenters.EVERYONE, m.options());
            assertThat(restarted.update(renamed)).isTrue();
            assertThat(restarted.find(m.id())).contains(renamed);
            assertThat(restarted.delete(m.id())).isTrue();
            assertThat(restarted.find(m.id())).isEmpty();
        }
    }
}
