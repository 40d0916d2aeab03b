// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import dev.porta.media.api.IceServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TURN credentials go to admitted participants only, before their Connected state (so the first peer
 * connections use them), and again before they expire on a long call.
 */
class TurnCredentialsDeliveryTest {
    private final CallingHarness h = new CallingHarness();
    private final AtomicInteger issued = new AtomicInteger();

    @BeforeEach
    void relay() {
        h.media.turn = id -> new IceServers(List.of(new IceServers.Server(List.of("turn:127.0.0.1:3478?transport=udp"),
                h.clock.instant().plus(Duration.ofHours(1)).getEpochSecond() + ":" + id, "pw" + issued.incrementAndGet())),
                h.clock.instant().plus(Duration.ofHours(1)));
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aGuestWaitingInTheLobbyGetsNoRelayCredentialsUntilAdmitted() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        assertThat(organizer.await("iceServers").path("iceServers").get(0).path("urls").get(0).asText())
                .isEqualTo("turn:127.0.0.1:3478?transport=udp");
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        organizer.await("lobbyDelta");
        ada.send("{\"v\":1,\"type\":\"ping\",\"id\":\"p\"}");
        ada.await("pong");
        assertThat(ada.all("iceServers")).as("nothing for the lobby").isEmpty();

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a1\",\"participantId\":\"" + adaId + "\"}");
        JsonNode servers = ada.await("iceServers");
        awaitState(ada, "Connected");
        assertThat(servers.path("iceServers").get(0).path("username").asText()).endsWith(":" + adaId);
        assertThat(servers.path("expiresAt").asText()).isEqualTo(CallingHarness.NOW.plus(Duration.ofHours(1)).toString());
    }

    @Test
    void credentialsAreRenewedWithAQuarterOfTheirLifetimeLeftAndNotBefore() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(ada, "Connected");
        assertThat(ada.all("iceServers")).hasSize(1);

        h.clock.advance(Duration.ofMinutes(44));
        h.calling.sweep();
        ada.send("{\"v\":1,\"type\":\"ping\",\"id\":\"p1\"}");
        ada.await("pong");
        assertThat(ada.all("iceServers")).as("45 of 60 minutes not yet gone").hasSize(1);

        h.clock.advance(Duration.ofMinutes(2));
        h.calling.sweep();
        JsonNode renewed = ada.await("iceServers", n -> n.path("iceServers").get(0).path("credential").asText().equals("pw2"));
        assertThat(renewed.path("expiresAt").asText()).isEqualTo(h.clock.instant().plus(Duration.ofHours(1)).toString());
    }
}
