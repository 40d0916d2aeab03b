// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.Member;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeetingLookupTest {
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private TestDatabases.TestDatabase db;
    private Directory directory;
    private MeetingLookup lookup;
    private OnlineMeeting meeting;
    private Member megan;

    @BeforeEach
    void setUp() {
        db = TestDatabases.h2();
        directory = new Directory(new JdbcDirectoryStore(db.database(), dev.porta.common.SecretBox.ephemeral()), new PasswordHasher(64, 1), DirectoryConfig.forTests(), clock);
        directory.createTenant(TENANT, "Contoso");
        megan = directory.addMember(TENANT, "megan@contoso.example", "Megan Bowen", "password1");
        var store = new JdbcMeetingStore(db.database());
        var service = new MeetingService(store, directory, clock);
        OnlineMeeting draft = service.draft(TENANT, megan.id());
        meeting = service.create(draft.withChanges("Support", draft.start(), draft.end(), null, draft.attendees(),
                new LobbyBypass(LobbyBypassScope.EVERYONE, false), draft.allowedPresenters(), draft.options()));
        lookup = new MeetingLookup(store, directory, new JoinLinks(() -> "https://porta.example/"), clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void aMeetingIsFoundByJoinLinkWithOrganizerLobbyAndEffectivePolicy() {
        String url = new JoinLinks(() -> "https://elsewhere.example/").joinWebUrl(meeting);
        var found = (MeetingLookup.Result.Found) lookup.byJoinWebUrl(url);
        JoinableMeeting m = found.meeting();
        assertThat(m.id()).isEqualTo(meeting.id());
        assertThat(m.organizer()).isEqualTo(new JoinableMeeting.Organizer(megan.id(), "megan@contoso.example", "Megan Bowen"));
        assertThat(m.lobbyBypass().scope()).isEqualTo(LobbyBypassScope.EVERYONE);
        assertThat(m.policy()).isEqualTo(MeetingPolicy.defaults());
        assertThat(m.joinWebUrl()).startsWith("https://porta.example/l/meetup-join/");
        assertThat(lookup.byThreadId(meeting.threadId())).isInstanceOf(MeetingLookup.Result.Found.class);
    }

    @Test
    void theOrganizersOverrideGovernsGuestsAndADisallowedScopeFallsBackToOrganizer() {
        MeetingPolicy strict = new MeetingPolicy(false, EnumSet.of(LobbyBypassScope.ORGANIZER), EnumSet.of(GuestCapability.AUDIO));
        directory.setOrganizerMeetingPolicy(TENANT, megan.id(), Optional.of(strict));
        JoinableMeeting m = ((MeetingLookup.Result.Found) lookup.byId(meeting.id())).meeting();
        assertThat(m.policy()).isEqualTo(strict);
        assertThat(m.policy().guestMay(GuestCapability.AUDIO)).isFalse();
        assertThat(m.lobbyBypass().scope()).isEqualTo(LobbyBypassScope.ORGANIZER);
    }

    @Test
    void anExpiredMeetingIsNotFound() {
        clock.set(meeting.end().plus(Duration.ofDays(61)));
        assertThat(lookup.byId(meeting.id())).isInstanceOf(MeetingLookup.Result.NotFound.class);
    }
}
