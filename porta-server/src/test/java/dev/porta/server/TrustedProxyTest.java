// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.identity.CommunicationResource;
import dev.porta.identity.TokenScope;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rate limits count the real client: a forwarding header is believed only from a configured proxy. */
class TrustedProxyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSCODE_WRONG = "5251";
    private static final String PASSCODE_ATTEMPTS_EXCEEDED = "5252";

    @Test
    void aForgedForwardingHeaderFromAnUntrustedPeerDoesNotEscapeItsLimit() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("identity.failed-auth-burst", "2"), Clock.systemUTC())) {
            assertThat(unsignedIdentityRequest(porta, "203.0.113.1")).isEqualTo(401);
            assertThat(unsignedIdentityRequest(porta, "203.0.113.2")).isEqualTo(401);

            assertThat(unsignedIdentityRequest(porta, "203.0.113.3")).as("a new forged address each time").isEqualTo(429);
        }
    }

    @Test
    void behindATrustedProxyEachClientHasItsOwnAllowance() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("identity.failed-auth-burst", "2",
                "http.trusted-proxies", "127.0.0.1"), Clock.systemUTC())) {
            assertThat(unsignedIdentityRequest(porta, "203.0.113.1")).isEqualTo(401);
            assertThat(unsignedIdentityRequest(porta, "203.0.113.1")).isEqualTo(401);
            assertThat(unsignedIdentityRequest(porta, "203.0.113.1")).isEqualTo(429);

            assertThat(unsignedIdentityRequest(porta, "203.0.113.2")).as("another client behind the proxy").isEqualTo(401);
            // What the client writes left of the proxy's entry is ignored.
            assertThat(unsignedIdentityRequest(porta, "198.51.100.7, 203.0.113.1")).isEqualTo(429);
        }
    }

    @Test
    void joinByMeetingIdOverTheWebSocketCountsTheClientTheProxyNames() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("http.trusted-proxies", "127.0.0.0/8",
                "calling.passcode-attempts-per-client", "1"), Clock.systemUTC())) {
            CommunicationResource resource = porta.server().identities().resources().getFirst();
            var id = porta.server().identities().createIdentity(resource);
            String token = porta.server().identities().issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1))
                    .orElseThrow().token();

            assertThat(joinByIdReason(porta, token, "203.0.113.1")).isEqualTo(PASSCODE_WRONG);
            assertThat(joinByIdReason(porta, token, "203.0.113.1")).isEqualTo(PASSCODE_ATTEMPTS_EXCEEDED);
            assertThat(joinByIdReason(porta, token, "203.0.113.2")).as("another client behind the proxy").isEqualTo(PASSCODE_WRONG);
        }
    }

    private static int unsignedIdentityRequest(RunningPorta porta, String forwardedFor) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(porta.baseUrl() + "identities?api-version=2023-10-01"))
                .header("X-Forwarded-For", forwardedFor).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return porta.httpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Joins meeting ID 1234567890 with a wrong passcode and answers the end reason's subCode. */
    private static String joinByIdReason(RunningPorta porta, String token, String forwardedFor) throws Exception {
        CompletableFuture<String> reason = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        WebSocket ws = porta.httpClient().newWebSocketBuilder().header("X-Forwarded-For", forwardedFor)
                .buildAsync(URI.create(porta.baseUrl().replace("https://", "wss://") + "calling/v1"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                JsonNode m = JSON.readTree(text.toString());
                                if (m.path("state").asText().equals("Disconnected")) {
                                    reason.complete(m.path("callEndReason").path("subCode").asText());
                                }
                            } catch (Exception e) {
                                reason.completeExceptionally(e);
                            }
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"v\":1,\"type\":\"join\",\"id\":\"j1\",\"token\":\"" + token + "\",\"displayName\":\"Guest\","
                + "\"locator\":{\"meetingId\":\"1234567890\",\"passcode\":\"wrong\"}}", true);
        try {
            return reason.get(10, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }
}
