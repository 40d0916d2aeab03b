// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.HeldRosterWindow;
import dev.porta.calling.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Roster version 2 (docs/calling-protocol.md §4.4): the changes of one window go out as one batch per client,
 * and a client holds only the page it shows. The windows are held open and closed by the test.
 */
class RosterBatchTest {
    private CallingHarness h = new CallingHarness(CallingConfig.defaults().withRoster(Duration.ofMillis(100), 5));
    private final HeldRosterWindow window = h.holdRosterWindows();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /** What a version 2 client holds after its snapshot and every batch (checking each batch follows on). */
    private static Map<String, JsonNode> view(TestClient c) {
        JsonNode snapshot = c.all("roster").getLast();
        Map<String, JsonNode> held = new LinkedHashMap<>();
        snapshot.path("participants").forEach(p -> held.put(p.path("id").asText(), p));
        long seq = snapshot.path("seq").asLong();
        for (JsonNode b : c.all("rosterDelta")) {
            if (b.path("seq").asLong() <= seq) {
                continue;
            }
            assertThat(b.path("prev").asLong()).as("each batch follows the one before").isEqualTo(seq);
            for (JsonNode change : b.path("changes")) {
                String id = change.path("participant").path("id").asText();
                if (change.path("op").asText().equals("removed")) {
                    held.remove(id);
                } else {
                    held.put(id, change.path("participant"));
                }
            }
            seq = b.path("seq").asLong();
        }
        return held;
    }

    private static String idOf(TestClient c) {
        return c.all("stateChanged").getFirst().path("participantId").asText();
    }

    private TestClient guest(String link, String name) {
        TestClient c = h.joinV2(h.auth.guest(name), link, name);
        awaitState(c, "Connected");
        return c;
    }

    /** Sends a ping and waits for its pong: every frame the server queued for {@code c} before it has arrived. */
    private static void settle(TestClient c) {
        c.send("{\"v\":1,\"type\":\"ping\",\"id\":\"settle\"}");
        c.await("pong");
    }

    @Test
    void manyJoinsInOneWindowReachAClientAsOneBatchAndAJoinThenLeaveEndsAbsent() {
        h = new CallingHarness(); // the default page size: everyone fits on the first page
        HeldRosterWindow held = h.holdRosterWindows();
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = guest(link, "Ada");
        held.close(); // Ada's own join: her snapshot already holds it
        settle(ada);

        List<TestClient> joiners = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            joiners.add(guest(link, "Guest " + i));
        }
        TestClient brief = guest(link, "Brief Visitor");
        String briefId = idOf(brief);
        brief.send("{\"v\":1,\"type\":\"leave\"}");
        brief.awaitEnd();
        joiners.get(3).send("{\"v\":1,\"type\":\"mute\",\"muted\":false,\"id\":\"up\"}");
        joiners.get(3).await("ack");
        held.close();
        ada.await("rosterDelta");
        settle(ada);

        assertThat(ada.all("rosterDelta")).as("one frame for 22 roster changes").hasSize(1);
        JsonNode batch = ada.all("rosterDelta").getFirst();
        assertThat(batch.path("total").asInt()).isEqualTo(21);
        Map<String, JsonNode> view = view(ada);
        List<String> expected = new ArrayList<>();
        expected.add(idOf(ada));
        joiners.forEach(j -> expected.add(idOf(j)));
        assertThat(view.keySet()).as("everyone present, in join order").containsExactlyElementsOf(expected);
        assertThat(view).doesNotContainKey(briefId);
        assertThat(view.get(idOf(joiners.get(3))).path("muted").asBoolean()).as("unmuted after joining").isFalse();

        held.close(); // nothing changed since: no frame
        settle(ada);
        assertThat(ada.all("rosterDelta")).hasSize(1);
    }

    @Test
    void changesOfOneParticipantInOneWindowArriveInTheOrderTheyHappened() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = guest(link, "Ada");
        TestClient bo = guest(link, "Bo");
        window.close();
        ada.await("rosterDelta"); // Bo added
        bo.send("{\"v\":1,\"type\":\"mute\",\"muted\":false,\"id\":\"a\"}");
        bo.send("{\"v\":1,\"type\":\"mute\",\"muted\":true,\"id\":\"b\"}");
        bo.send("{\"v\":1,\"type\":\"mute\",\"muted\":false,\"id\":\"c\"}");
        bo.await("ack", n -> n.path("id").asText().equals("c"));
        window.close();
        ada.await("rosterDelta");
        assertThat(ada.all("rosterDelta")).as("three changes, one batch").hasSize(2);
        assertThat(view(ada).get(idOf(bo)).path("muted").asBoolean()).as("the last change wins").isFalse();
    }

    @Test
    void aVersionOneClientStillGetsEachChangeAtOnce() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient old = h.join(h.auth.guest("Old"), link, "Old");
        awaitState(old, "Connected");
        TestClient bo = guest(link, "Bo");
        TestClient cy = guest(link, "Cy");
        // no window closed: a version 1 client does not wait for one
        JsonNode first = old.await("rosterDelta");
        JsonNode second = old.await("rosterDelta");
        assertThat(first.path("op").asText()).isEqualTo("added");
        assertThat(first.path("participant").path("id").asText()).isEqualTo(idOf(bo));
        assertThat(second.path("participant").path("id").asText()).isEqualTo(idOf(cy));
        assertThat(second.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);
    }

    @Test
    void aLateJoinerGetsTheFirstPageItsOwnEntryAndTheTotal() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        List<TestClient> early = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            early.add(guest(link, "Early " + i));
        }
        TestClient late = guest(link, "Late");
        JsonNode snapshot = late.await("roster");
        assertThat(snapshot.path("total").asInt()).isEqualTo(8);
        assertThat(snapshot.path("offset").asInt()).isZero();
        List<String> ids = new ArrayList<>();
        snapshot.path("participants").forEach(p -> ids.add(p.path("id").asText()));
        List<String> expected = new ArrayList<>(early.subList(0, 5).stream().map(RosterBatchTest::idOf).toList());
        expected.add(idOf(late));
        assertThat(ids).as("the first page (5) and its own entry").containsExactlyElementsOf(expected);
    }

    @Test
    void aClientThatAsksForAnotherPageGetsItAndThenOnlyThatPagesChanges() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = guest(link, "Ada");
        List<TestClient> others = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            others.add(guest(link, "Other " + i));
        }
        window.close();
        settle(ada);
        ada.send("{\"v\":1,\"type\":\"rosterPage\",\"id\":\"p2\",\"offset\":5,\"limit\":5}");
        ada.await("ack", n -> n.path("id").asText().equals("p2"));
        JsonNode page = ada.all("roster").getLast();
        assertThat(page.path("offset").asInt()).isEqualTo(5);
        assertThat(page.path("total").asInt()).isEqualTo(13);
        assertThat(view(ada).keySet()).containsExactlyInAnyOrder(idOf(ada), idOf(others.get(4)), idOf(others.get(5)),
                idOf(others.get(6)), idOf(others.get(7)), idOf(others.get(8)));

        // someone before the page leaves: the page moves up by one; someone on the page unmutes
        others.get(0).send("{\"v\":1,\"type\":\"leave\"}");
        others.get(0).awaitEnd();
        others.get(6).send("{\"v\":1,\"type\":\"mute\",\"muted\":false,\"id\":\"h\"}");
        others.get(6).await("ack");
        window.close();
        ada.await("rosterDelta", n -> n.path("total").asInt() == 12);
        Map<String, JsonNode> view = view(ada);
        assertThat(view.keySet()).containsExactlyInAnyOrder(idOf(ada), idOf(others.get(5)), idOf(others.get(6)),
                idOf(others.get(7)), idOf(others.get(8)), idOf(others.get(9)));
        assertThat(view.get(idOf(others.get(6))).path("muted").asBoolean()).as("unmuted on the page").isFalse();
    }

    @Test
    void aPageLargerThanTheServerAllowsIsRefusedAndChangesNothing() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = guest(link, "Ada");
        ada.send("{\"v\":1,\"type\":\"rosterPage\",\"id\":\"big\",\"offset\":0,\"limit\":6}");
        assertThat(ada.await("error").path("code").asText()).isEqualTo("invalidMessage");
        ada.send("{\"v\":1,\"type\":\"rosterPage\",\"id\":\"far\",\"offset\":1000,\"limit\":5}");
        assertThat(ada.await("error").path("code").asText()).isEqualTo("invalidMessage");
        assertThat(ada.all("roster")).hasSize(1);
    }

    @Test
    void aVersionOneClientMayNotAskForAPage() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient old = h.join(h.auth.guest("Old"), link, "Old");
        awaitState(old, "Connected");
        old.send("{\"v\":1,\"type\":\"rosterPage\",\"id\":\"p\",\"offset\":0,\"limit\":5}");
        assertThat(old.await("error").path("code").asText()).isEqualTo("invalidMessage");
    }
}
