// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.GuestCapabilities;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JoinPolicyTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static void assertEnd(TestClient c, int code, int subCode) {
        JsonNode r = c.awaitEnd();
        assertThat(r.path("code").asInt()).isEqualTo(code);
        assertThat(r.path("subCode").asInt()).isEqualTo(subCode);
        assertThat(r.path("message").asText()).isNotBlank();
        c.awaitCloseCode();
    }

    @Test
    void guestIsRefusedWithTheTenantReasonWhenTheTenantDisablesAnonymousJoin() {
        String link = h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(),
                new MeetingPolicy(false, true, GuestCapabilities.defaults(), true));
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        assertEnd(guest, 403, 5221);
        assertThat(h.calling.node().endsByReason().get("anonymousJoinDisabledByTenant")).isEqualTo(1);
    }

    @Test
    void guestIsRefusedWithTheOrganizerReasonWhenTheOrganizerPolicyDisablesAnonymousJoin() {
        String link = h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(),
                new MeetingPolicy(true, false, GuestCapabilities.defaults(), true));
        assertEnd(h.join(h.auth.guest("ada"), link, "Ada"), 403, 5222);
    }

    @Test
    void membersSeeAGuestMarkedAsGuestWithItsTrimmedName() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "  Ada Lovelace  ");
        JsonNode connected = awaitState(guest, "Connected");
        assertThat(connected.path("role").asText()).isEqualTo("attendee");
        JsonNode added = organizer.await("rosterDelta", n -> n.path("op").asText().equals("added"));
        assertThat(added.path("participant").path("kind").asText()).isEqualTo("guest");
        assertThat(added.path("participant").path("displayName").asText()).isEqualTo("Ada Lovelace");
        JsonNode roster = guest.await("roster");
        assertThat(roster.path("participants")).hasSize(2);
        assertThat(roster.path("participants").get(0).path("kind").asText()).isEqualTo("member");
        assertThat(roster.path("participants").get(0).path("role").asText()).isEqualTo("organizer");
    }

    @Test
    void aDisplayNameWithAControlCharacterIsRefused() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        assertEnd(h.join(h.auth.guest("ada"), link, "Ada\\u0007"), 400, 6010);
    }

    @Test
    void aGuestTokenWithoutTheVoipScopeIsRefused() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        assertEnd(h.join(h.auth.guestWithScopes("ada", Set.of("chat")), link, "Ada"), 403, 4510);
    }

    @Test
    void anUnknownTokenIsRefusedAsInvalid() {
        assertEnd(h.join("forged", h.meeting(LobbyBypassScope.EVERYONE), "Ada"), 495, 4507);
    }

    @Test
    void anUnknownLinkIsRefusedAsMeetingNotFound() {
        assertEnd(h.join(h.auth.guest("ada"), "https://porta.test/l/meetup-join/nothing", "Ada"), 404, 5250);
    }

    @Test
    void aMeetingOutsideItsTimeWindowIsRefused() {
        String early = h.meetings.add(CallingHarness.NOW.plus(Duration.ofHours(3)), CallingHarness.NOW.plus(Duration.ofHours(4)),
                LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(), MeetingPolicy.defaults());
        String over = h.meetings.add(CallingHarness.NOW.minus(Duration.ofHours(4)), CallingHarness.NOW.minus(Duration.ofHours(3)),
                LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(), MeetingPolicy.defaults());
        assertEnd(h.join(h.auth.guest("ada"), early, "Ada"), 403, 5253);
        assertEnd(h.join(h.auth.guest("bob"), over, "Bob"), 403, 5254);
    }

    @Test
    void joinByMeetingIdAndPasscodeWorksAndWrongPasscodesAreRateLimitedPerClient() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        String joinId = InMemoryMeetingDirectory.joinMeetingId(link);
        for (int i = 0; i < 5; i++) {
            assertEnd(joinById(h.auth.guest("g" + i), joinId, "wrong"), 403, 5251);
        }
        assertEnd(joinById(h.auth.guest("late"), joinId, "Xy7Qp2"), 429, 5252);
        h.clock.advance(Duration.ofMinutes(15));
        TestClient ok = joinById(h.auth.guest("ok"), joinId, "Xy7Qp2");
        assertThat(awaitState(ok, "Connected").path("meeting").path("meetingId").asText()).startsWith("meeting-");
    }

    private TestClient joinById(String token, String joinId, String passcode) {
        TestClient c = h.connect();
        c.send("{\"v\":1,\"type\":\"join\",\"token\":\"" + token + "\",\"displayName\":\"Guest\",\"locator\":"
                + "{\"meetingId\":\"" + joinId + "\",\"passcode\":\"" + passcode + "\"}}");
        return c;
    }
}
