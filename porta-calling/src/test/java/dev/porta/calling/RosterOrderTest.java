// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RosterOrderTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void rosterDeltasArriveInTheSameOrderForEveryone() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        List<TestClient> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestClient c = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-" + i, "Member " + i), link, "x");
            awaitState(c, "Connected");
            members.add(c);
        }
        // everyone changes something at once, several times
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (TestClient c : members) {
            sends.add(CompletableFuture.runAsync(() -> {
                for (int k = 0; k < 3; k++) {
                    c.send("{\"v\":1,\"type\":\"mute\",\"muted\":false}");
                    c.send("{\"v\":1,\"type\":\"raiseHand\"}");
                    c.send("{\"v\":1,\"type\":\"mute\",\"muted\":true}");
                    c.send("{\"v\":1,\"type\":\"lowerHand\"}");
                }
            }));
        }
        sends.forEach(CompletableFuture::join);
        for (TestClient c : members) { // a connection's frames are handled in order: the pong follows its actions
            c.send("{\"v\":1,\"type\":\"ping\",\"id\":\"done\"}");
            c.await("pong");
        }
        organizer.send("{\"v\":1,\"type\":\"chat\",\"text\":\"marker\"}");
        List<TestClient> all = new ArrayList<>(members);
        all.add(organizer);
        List<List<String>> views = new ArrayList<>();
        long lastSeq = -1;
        for (TestClient c : all) {
            c.await("chatMessage", n -> n.path("text").asText().equals("marker"));
            long snapshotSeq = c.all("roster").get(0).path("seq").asLong();
            List<String> view = new ArrayList<>();
            long expected = snapshotSeq + 1;
            for (JsonNode d : c.all("rosterDelta")) {
                if (d.path("seq").asLong() <= snapshotSeq) {
                    continue;
                }
                assertThat(d.path("seq").asLong()).as("no gaps").isEqualTo(expected++);
                view.add(d.path("seq").asText() + d.path("op").asText() + d.path("participant"));
            }
            lastSeq = Math.max(lastSeq, expected - 1);
            views.add(view.subList(Math.max(0, view.size() - 48), view.size()));
        }
        assertThat(views.get(0)).hasSize(48);
        views.forEach(v -> assertThat(v).isEqualTo(views.get(0)));
    }
}
