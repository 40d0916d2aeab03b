// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AbusiveClientTest {
    private final CallingHarness h = new CallingHarness(CallingConfig.defaults().withMessageRate(20, 10));

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private TestClient connectedGuest(String link, String name) {
        TestClient c = h.join(h.auth.guest(name), link, name);
        awaitState(c, "Connected");
        return c;
    }

    private void assertOthersCarryOn(TestClient organizer, TestClient bystander, String text) {
        organizer.send("{\"v\":1,\"type\":\"chat\",\"text\":\"" + text + "\"}");
        assertThat(bystander.await("chatMessage", n -> n.path("text").asText().equals(text))).isNotNull();
    }

    @Test
    void malformedOversizedAndFloodingClientsAreCutOffWhileTheOthersCarryOn() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient organizer = h.organizer(link);
        TestClient bystander = connectedGuest(link, "bystander");

        TestClient malformed = connectedGuest(link, "malformed");
        malformed.send("{\"v\":1,\"type\":");
        JsonNode e1 = malformed.awaitEnd();
        assertThat(e1.path("code").asInt()).isEqualTo(400);
        assertThat(e1.path("subCode").asInt()).isEqualTo(6001);
        assertThat(malformed.awaitCloseCode()).isEqualTo(1008);
        assertOthersCarryOn(organizer, bystander, "after malformed");

        TestClient oversized = connectedGuest(link, "oversized");
        oversized.send("{\"v\":1,\"type\":\"chat\",\"text\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(oversized.awaitEnd().path("subCode").asInt()).isEqualTo(6002);
        assertThat(oversized.awaitCloseCode()).isEqualTo(1009);
        assertOthersCarryOn(organizer, bystander, "after oversized");

        TestClient flooder = connectedGuest(link, "flooder");
        for (int i = 0; i < 40 && !flooder.isClosed(); i++) {
            if (!flooder.trySend("{\"v\":1,\"type\":\"ping\"}")) {
                break; // cut off between two pings
            }
        }
        assertThat(flooder.awaitEnd().path("subCode").asInt()).isEqualTo(6003);
        assertOthersCarryOn(organizer, bystander, "after flooding");
        organizer.await("rosterDelta", n -> n.path("op").asText().equals("removed"));
        assertThat(h.calling.node().endsByReason().get("flooding")).isEqualTo(1);
    }

    @Test
    void anUnknownTypeOrUnknownJoinFieldEndsTheConnectionButABadActionFieldIsOnlyRefused() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient unknownType = h.connect().send("{\"v\":1,\"type\":\"teleport\"}");
        assertThat(unknownType.awaitEnd().path("subCode").asInt()).isEqualTo(6001);

        TestClient badJoin = h.connect().send("{\"v\":1,\"type\":\"join\",\"token\":\"t\",\"admin\":true,"
                + "\"locator\":{\"meetingLink\":\"" + link + "\"}}");
        assertThat(badJoin.awaitEnd().path("subCode").asInt()).isEqualTo(6011);

        TestClient guest = connectedGuest(link, "ada");
        guest.send("{\"v\":1,\"type\":\"mute\",\"id\":\"m\",\"muted\":\"yes\"}");
        JsonNode refused = guest.await("error");
        assertThat(refused.path("id").asText()).isEqualTo("m");
        assertThat(refused.path("code").asText()).isEqualTo("invalidMessage");
        guest.send("{\"v\":1,\"type\":\"ping\",\"id\":\"p\"}");
        assertThat(guest.await("pong").path("id").asText()).isEqualTo("p");
    }
}
