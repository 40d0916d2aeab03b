// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.DirectConnection;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review finding M6: one guest token cannot fill a meeting, the lobby has its own cap, idle sockets are bounded. */
class EntryLimitsTest {
    private CallingHarness h = new CallingHarness(CallingConfig.defaults().withMaxParticipants(5)
            .withEntryLimits(3, Duration.ofMillis(300), 3));

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void oneGuestTokenJoiningFiveTimesHoldsOneLobbyPlaceAndTheOrganizerStillGetsIn() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        String token = h.auth.guest("mallory");
        List<TestClient> joins = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestClient c = h.join(token, link, "Mallory");
            awaitState(c, "InLobby");
            joins.add(c);
        }
        for (TestClient earlier : joins.subList(0, 4)) {
            assertThat(earlier.awaitEnd().path("subCode").asInt()).isEqualTo(5272);
        }
        assertThat(joins.get(4).isClosed()).isFalse();
        assertThat(h.calling.node().lobby()).isEqualTo(1);
        TestClient organizer = h.organizer(link);
        assertThat(organizer.await("lobby").path("participants")).hasSize(1);
    }

    @Test
    void anAdmittedGuestWhoJoinsAgainReplacesItsOldConnectionAndKeepsItsAdmission() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        TestClient organizer = h.organizer(link);
        String token = h.auth.guest("ada");
        TestClient first = h.join(token, link, "Ada");
        String firstId = awaitState(first, "InLobby").path("participantId").asText();
        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a\",\"participantId\":\"" + firstId + "\"}");
        awaitState(first, "Connected");

        TestClient second = h.join(token, link, "Ada");
        awaitState(second, "Connected");
        assertThat(first.awaitEnd().path("subCode").asInt()).isEqualTo(5272);
        assertThat(h.calling.node().participants()).isEqualTo(2);
    }

    @Test
    void theLobbyIsCappedApartFromTheSeatsAndAdmittingStopsAtAFullMeeting() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        for (int i = 0; i < 3; i++) {
            awaitState(h.join(h.auth.guest("g" + i), link, "Guest " + i), "InLobby");
        }
        TestClient fourth = h.join(h.auth.guest("g3"), link, "Guest 3");
        assertThat(fourth.awaitEnd().path("subCode").asInt()).isEqualTo(5261);
        TestClient organizer = h.organizer(link); // the lobby does not take seats
        organizer.send("{\"v\":1,\"type\":\"admitAll\",\"id\":\"all\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("all")).path("count").asInt()).isEqualTo(3);

        h.close();
        h = new CallingHarness(CallingConfig.defaults().withMaxParticipants(2));
        link = h.meeting(LobbyBypassScope.ORGANIZER);
        organizer = h.organizer(link);
        TestClient a = h.join(h.auth.guest("a"), link, "A");
        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"1\",\"participantId\":\""
                + awaitState(a, "InLobby").path("participantId").asText() + "\"}");
        awaitState(a, "Connected");
        TestClient b = h.join(h.auth.guest("b"), link, "B");
        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"2\",\"participantId\":\""
                + awaitState(b, "InLobby").path("participantId").asText() + "\"}");
        assertThat(organizer.await("error", n -> n.path("id").asText().equals("2")).path("code").asText())
                .isEqualTo("capacityReached");
        organizer.send("{\"v\":1,\"type\":\"admitAll\",\"id\":\"3\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("3")).path("count").asInt()).isZero();
        assertThat(h.calling.node().lobby()).isEqualTo(1);
    }

    @Test
    void aJoinSentInTimeIsServedEvenWhenSeatingItTakesLongerThanTheJoinDeadline() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        // The organizer's entry holds the meeting's actor (the attendance log is told on it), as a busy node would,
        // until well past the 300 ms join deadline of this harness.
        var gate = new CountDownLatch(1);
        h.attendanceGate = gate;
        TestClient organizer = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, InMemoryMeetingDirectory.ORGANIZER,
                "Olivia Organizer"), link, "ignored");
        assertThat(h.heldAtGate.tryAcquire(5, TimeUnit.SECONDS)).as("the entry is being seated").isTrue();
        Thread.sleep(3 * 300);
        h.attendanceGate = null;
        gate.countDown();

        awaitState(organizer, "Connected");
        organizer.send("{\"v\":1,\"type\":\"ping\",\"id\":\"p\"}");
        organizer.await("pong");
        assertThat(organizer.all("stateChanged")).extracting(CallingHarness::state).doesNotContain("Disconnected");
        assertThat(organizer.isClosed()).isFalse();
        assertThat(h.calling.node().participants()).isOne();
    }

    @Test
    void aSocketThatDoesNotJoinInTimeIsClosedEvenWhileItPings() {
        TestClient idle = h.connect();
        idle.send("{\"v\":1,\"type\":\"ping\",\"id\":\"p\"}");
        idle.await("pong");
        JsonNode end = idle.awaitEnd();
        assertThat(end.path("subCode").asInt()).isEqualTo(6004);
        assertThat(idle.awaitCloseCode()).isEqualTo(1008);
    }

    @Test
    void oneAddressMayHoldOnlyAFewSocketsThatHaveNotJoined() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        List<DirectConnection> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idle.add(DirectConnection.open(h.calling, "203.0.113.9", 0));
        }
        DirectConnection refused = DirectConnection.open(h.calling, "203.0.113.9", 0);
        assertThat(refused.isClosed()).isTrue();
        assertThat(refused.all("stateChanged").getFirst().path("callEndReason").path("subCode").asInt()).isEqualTo(6005);
        assertThat(DirectConnection.open(h.calling, "203.0.113.10", 0).isClosed()).isFalse(); // another address

        idle.getFirst().text("{\"v\":1,\"type\":\"join\",\"token\":\"" + h.auth.guest("ada")
                + "\",\"displayName\":\"Ada\",\"locator\":{\"meetingLink\":\"" + link + "\"}}");
        idle.get(1).drop();
        assertThat(DirectConnection.open(h.calling, "203.0.113.9", 0).isClosed()).isFalse();
        assertThat(DirectConnection.open(h.calling, "203.0.113.9", 0).isClosed()).isFalse();
        assertThat(DirectConnection.open(h.calling, "203.0.113.9", 0).isClosed()).isTrue();
    }
}
