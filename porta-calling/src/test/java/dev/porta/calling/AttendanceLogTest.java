// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 14 item 5: calling tells the attendance log who was in the meeting, when, as whom. */
class AttendanceLogTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void entriesAndDeparturesAreLoggedByIdentityAndTheLobbyIsNotAttendance() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        TestClient organizer = h.organizer(link);
        String organizerId = organizer.all("stateChanged").get(0).path("participantId").asText();
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        h.clock.advance(Duration.ofMinutes(2)); // waiting in the lobby is not attending
        assertThat(h.attendance).hasSize(1);

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a\",\"participantId\":\"" + adaId + "\"}");
        awaitState(ada, "Connected");
        h.clock.advance(Duration.ofMinutes(10));
        ada.send("{\"v\":1,\"type\":\"leave\"}");
        ada.awaitEnd();
        organizer.send("{\"v\":1,\"type\":\"leave\"}");
        organizer.awaitEnd();

        String t0 = CallingHarness.NOW.toString();
        assertThat(h.attendance).containsExactly(
                "entered meeting-1 8:orgid:" + InMemoryMeetingDirectory.ORGANIZER + " member organizer " + organizerId + " " + t0,
                "entered meeting-1 8:acs:res_ada guest attendee " + adaId + " " + CallingHarness.NOW.plus(Duration.ofMinutes(2)),
                "left meeting-1 " + adaId + " " + CallingHarness.NOW.plus(Duration.ofMinutes(12)),
                "left meeting-1 " + organizerId + " " + CallingHarness.NOW.plus(Duration.ofMinutes(12)),
                "ended meeting-1 " + CallingHarness.NOW.plus(Duration.ofMinutes(12)));
    }
}
