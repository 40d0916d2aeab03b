// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.DirectConnection;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way a connection can end ends its participant: no ghost keeps a seat (review M6 and its follow-up). */
class GhostParticipantTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @ParameterizedTest
    @EnumSource(value = LobbyBypassScope.class, names = {"EVERYONE", "ORGANIZER"})
    void aSocketClosedAtAnyStepOfItsJoinLeavesNoParticipantBehind(LobbyBypassScope scope) {
        String link = h.meeting(scope);
        TestClient organizer = h.organizer(link);
        for (int step = 1; step <= 6; step++) {
            String token = h.auth.guest("ada" + step); // one identity per step: a rejoin would replace a ghost
            // the transport closes itself (slowConsumer) right after the step-th frame of the join
            DirectConnection c = DirectConnection.open(h.calling, "198.51.100.7", step);
            c.text(join(token, link));
            if (!c.isClosed()) {
                c.drop(); // the join sent fewer frames: the client goes away right after it
            }
            h.clock.advance(Duration.ofSeconds(31)); // past calling.resume-grace
            h.calling.sweep();
            assertThat(h.calling.node().participants() + h.calling.node().lobby()).as("after step " + step).isEqualTo(1);
        }
        assertThat(organizer.isClosed()).isFalse();
        assertThat(h.media.open).hasSize(1);
    }

    @Test
    void aSocketClosedBeforeItsJoinIsHandledLeavesNothingAndTheJoinIsIgnored() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.organizer(link);
        DirectConnection c = DirectConnection.open(h.calling, "198.51.100.7", 0);
        c.drop();
        c.text(join(h.auth.guest("ada"), link));
        assertThat(c.frames).isEmpty();
        assertThat(h.calling.node().participants()).isEqualTo(1);
    }

    @Test
    void aParticipantWhoseSocketClosedDuringTheJoinShowsAsReconnectingAndMayResume() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        String token = h.auth.guest("ada");
        DirectConnection c = DirectConnection.open(h.calling, "198.51.100.7", 1);
        c.text(join(token, link));
        String resumeToken = c.all("stateChanged").getFirst().path("resumeToken").asText();
        organizer.await("rosterDelta", n -> n.path("participant").path("state").asText().equals("Reconnecting"));

        TestClient again = h.connect().send("{\"v\":1,\"type\":\"resume\",\"token\":\"" + token
                + "\",\"resumeToken\":\"" + resumeToken + "\"}");
        awaitState(again, "Connected");
        assertThat(h.calling.node().participants()).isEqualTo(2);
    }

    private static String join(String token, String link) {
        return "{\"v\":1,\"type\":\"join\",\"id\":\"j\",\"token\":\"" + token + "\",\"displayName\":\"Ada\","
                + "\"locator\":{\"meetingLink\":\"" + link + "\"}}";
    }
}
