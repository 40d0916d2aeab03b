// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.communication.chat.ChatClientBuilder;
import com.azure.communication.chat.ChatThreadClient;
import com.azure.communication.chat.models.ChatErrorResponseException;
import com.azure.communication.chat.models.SendChatMessageOptions;
import com.azure.communication.common.CommunicationTokenCredential;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.common.MutableClock;
import dev.porta.server.RunningPorta;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Chat API is no way around the WebSocket's message budget: a guest gets {@code calling.message-burst}
 * requests at once, then 429 (Porta's clock stands still here, so nothing refills).
 */
class ChatApiRateLimitTest {

    @Test
    void aGuestFloodingTheThreadGetsTooManyRequestsAfterTheBurst() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RunningPorta porta = RunningPorta.on("h2", Map.of("calling.message-burst", "5", "calling.messages-per-second", "1"), clock)) {
            JsonNode demo = porta.demo();
            var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, demo.get("tenantId").asText(),
                    demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText()));
            OnlineMeeting m = new OnlineMeeting();
            m.setSubject("Flood");
            m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
            m.setEndDateTime(OffsetDateTime.now().plusHours(1));
            LobbyBypassSettings everyone = new LobbyBypassSettings();
            everyone.setScope(LobbyBypassScope.Everyone);
            m.setLobbyBypassSettings(everyone);
            OnlineMeeting meeting = graph.users().byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(m);
            String token = Sdk.identityClient(porta, porta.connectionString())
                    .createUserAndToken(List.of(CommunicationTokenScope.VOIP, CommunicationTokenScope.CHAT)).getUserToken().getToken();
            try (var socket = new SignalingClient(porta)) {
                socket.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", "Pat Guest");
                socket.awaitState("Connected");
                ChatThreadClient chat = new ChatClientBuilder().endpoint(porta.baseUrl().replaceAll("/+$", ""))
                        .credential(new CommunicationTokenCredential(token)).httpClient(Sdk.trustingHttpClient(porta))
                        // the SDK would retry a 429 after Retry-After; here the clock stands still, so no retry
                        .retryPolicy(new com.azure.core.http.policy.RetryPolicy(
                                new com.azure.core.http.policy.FixedDelay(0, java.time.Duration.ofMillis(1))))
                        .buildClient().getChatThreadClient(meeting.getChatInfo().getThreadId());
                for (int i = 1; i <= 5; i++) {
                    chat.sendMessage(new SendChatMessageOptions().setContent("message " + i));
                }

                assertThatThrownBy(() -> chat.sendMessage(new SendChatMessageOptions().setContent("one too many")))
                        .isInstanceOfSatisfying(ChatErrorResponseException.class, e -> {
                            assertThat(e.getResponse().getStatusCode()).isEqualTo(429);
                            assertThat(e.getValue().getCode()).isEqualTo("TooManyRequests");
                        });
            }
        }
    }
}
