// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import dev.porta.common.MeetingPlacement;
import dev.porta.common.MeetingPlacement.Home;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The join's placement check, with placement answers set by the test (the Redis placement itself runs
 * against the real Redis in porta-cluster's and porta-it's tests): a join is served only where its
 * meeting lives, and only after every other check of the join.
 */
class PlacementCheckTest {
    private final Map<String, Home> homes = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final MeetingPlacement placement = meetingId -> {
        asked.add(meetingId);
        return homes.getOrDefault(meetingId, MeetingPlacement.HERE);
    };
    private final CallingHarness h = new CallingHarness(CallingConfig.defaults(), placement);

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aJoinForAMeetingThatLivesOnAnotherNodeIsToldWhereAndNotServedHere() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        String meetingId = h.meetings.findByJoinWebUrl(link).orElseThrow().meetingId();
        homes.put(meetingId, new Home.Elsewhere("node-b", URI.create("https://node-b.example:8443/")));

        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");

        JsonNode elsewhere = guest.await("joinElsewhere", f -> true);
        assertThat(elsewhere.path("url").asText()).isEqualTo("wss://node-b.example:8443/calling/v1");
        JsonNode end = guest.awaitEnd();
        assertThat(end.path("code").asInt()).isEqualTo(307);
        assertThat(end.path("subCode").asInt()).isEqualTo(7101);
        assertThat(end.path("canRejoin").asBoolean()).isTrue();
        assertThat(h.calling.meetings()).isEmpty();
    }

    @Test
    void aJoinWhoseMeetingHasNoLiveHomeIsRefusedWithAReasonToRetry() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        homes.put(h.meetings.findByJoinWebUrl(link).orElseThrow().meetingId(), new Home.Unavailable("Redis cannot be reached"));

        JsonNode end = h.join(h.auth.guest("ada"), link, "Ada").awaitEnd();

        assertThat(end.path("subCode").asInt()).isEqualTo(7102);
        assertThat(end.path("canRejoin").asBoolean()).isTrue();
        assertThat(h.calling.meetings()).isEmpty();
    }

    @Test
    void aJoinThatFailsItsOwnChecksNeverLearnsWhereTheMeetingLives() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        homes.put(h.meetings.findByJoinWebUrl(link).orElseThrow().meetingId(),
                new Home.Elsewhere("node-b", URI.create("https://node-b.example:8443/")));

        TestClient badName = h.join(h.auth.guest("ada"), link, "Ada\\u0007");

        assertThat(badName.awaitEnd().path("subCode").asInt()).isEqualTo(6010);
        assertThat(asked).isEmpty();
    }

    @Test
    void aJoinAtTheHomeIsServedHere() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);

        awaitState(h.join(h.auth.guest("ada"), link, "Ada"), "Connected");

        assertThat(asked).hasSize(1);
        assertThat(h.calling.meetings()).hasSize(1);
    }

    @Test
    void aMeetingWhoseLeaseAnotherNodeTookEndsHereWithAReasonToJoinAgain() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        String meetingId = h.meetings.findByJoinWebUrl(link).orElseThrow().meetingId();
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        guest.await("stateChanged", f -> f.path("state").asText().equals("Connected"));

        h.calling.meetingsLost(java.util.Set.of(meetingId, "a-meeting-not-live-here"));

        JsonNode end = guest.awaitEnd();
        assertThat(end.path("subCode").asInt()).isEqualTo(7103);
        assertThat(end.path("canRejoin").asBoolean()).isTrue();
        assertThat(h.calling.meetings()).isEmpty();
    }
}
