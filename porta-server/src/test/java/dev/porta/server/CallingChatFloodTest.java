// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.calling.CallingConfig;
import dev.porta.common.Config;
import dev.porta.directory.Directory;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.Member;
import dev.porta.directory.TenantId;
import dev.porta.identity.CommunicationResource;
import dev.porta.identity.IdentityService;
import dev.porta.identity.TokenScope;
import dev.porta.meetings.AllowedPresenters;
import dev.porta.meetings.JoinLinks;
import dev.porta.meetings.LobbyBypass;
import dev.porta.meetings.MeetingService;
import dev.porta.meetings.OnlineMeeting;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Review finding M2 through the real WebSocket adapter and its slow-consumer rule
 * ({@code calling.max-queued-bytes}, 4 MiB): a chat flood cannot make a meeting unjoinable.
 */
class CallingChatFloodTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void threeHundredLargeChatMessagesLeaveLaterJoinsAndResumesUnaffected() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("calling.message-burst", "400",
                "calling.messages-per-second", "400"), Clock.systemUTC())) {
            String link = meetingSharingItsChatHistory(porta);
            String victimToken = guestToken(porta);
            Client victim = new Client(porta, join(victimToken, link, "Victim"));
            String resumeToken = victim.await("stateChanged", n -> n.path("state").asText().equals("Connected"))
                    .path("resumeToken").asText();

            Client attacker = new Client(porta, join(guestToken(porta), link, "Mallory"));
            attacker.await("stateChanged", n -> n.path("state").asText().equals("Connected"));
            String quotes = "\\\"".repeat(4000); // Jackson sends each '"' as two characters
            for (int i = 0; i < 300; i++) {
                attacker.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c" + i + "\",\"text\":\"" + quotes + "\"}");
            }
            attacker.await("ack", n -> n.path("id").asText().equals("c299"));

            victim.ws.abort();
            Client resumed = new Client(porta, "{\"v\":1,\"type\":\"resume\",\"token\":\"" + victimToken
                    + "\",\"resumeToken\":\"" + resumeToken + "\"}");
            resumed.await("stateChanged", n -> n.path("state").asText().equals("Connected"));
            resumed.await("chatHistory", n -> !n.has("more"));
            resumed.send("{\"v\":1,\"type\":\"ping\",\"id\":\"still-here\"}");
            resumed.await("pong", n -> n.path("id").asText().equals("still-here"));
            assertThat(resumed.closeCode.isDone()).isFalse();

            Client late = new Client(porta, join(guestToken(porta), link, "Late"));
            late.await("stateChanged", n -> n.path("state").asText().equals("Connected"));
            late.send("{\"v\":1,\"type\":\"ping\",\"id\":\"late\"}");
            late.await("pong", n -> n.path("id").asText().equals("late"));
            assertThat(late.closeCode.isDone()).isFalse();
        }
    }

    @Test
    void aChatHistoryLargerThanHalfTheSlowConsumerLimitIsAConfigurationError() {
        Config config = Config.load("porta.conf", null, Map.of()).with(Map.of("calling.max-queued-bytes", "262144"));
        assertThatThrownBy(() -> CallingWiring.maxQueuedBytes(config, CallingConfig.from(config)))
                .hasMessageContaining("calling.chat-history-bytes");
        Config fitting = config.with(Map.of("calling.chat-history-bytes", "131072", "calling.chat-history-page-bytes", "65536"));
        assertThat(CallingWiring.maxQueuedBytes(fitting, CallingConfig.from(fitting))).isEqualTo(262_144);
    }

    /** A meeting everyone enters directly (no lobby) and whose chat history late joiners see. */
    static String meetingSharingItsChatHistory(RunningPorta porta) {
        Directory directory = porta.server().meetings().directory();
        TenantId tenant = new TenantId(DemoTenant.TENANT_ID);
        Member organizer = directory.members(tenant).getFirst();
        MeetingService meetings = new MeetingService(porta.server().meetings().meetingStore(), directory, Clock.systemUTC());
        OnlineMeeting draft = meetings.draft(tenant, organizer.id());
        OnlineMeeting m = meetings.create(draft.withChanges("Flood", draft.start(), draft.end(), null, List.of(),
                new LobbyBypass(LobbyBypassScope.EVERYONE, false), AllowedPresenters.ORGANIZATION,
                draft.options().with(Map.of("shareMeetingChatHistoryDefault", "all"))));
        return new JoinLinks(porta::baseUrl).joinWebUrl(m);
    }

    static String guestToken(RunningPorta porta) {
        IdentityService identities = porta.server().identities();
        CommunicationResource resource = identities.resourceFor(DemoTenant.TENANT_ID);
        return identities.issueToken(resource, identities.createIdentity(resource), Set.of(TokenScope.VOIP), Duration.ofHours(1))
                .orElseThrow().token();
    }

    private static String join(String token, String link, String name) {
        return "{\"v\":1,\"type\":\"join\",\"token\":\"" + token + "\",\"displayName\":\"" + name
                + "\",\"locator\":{\"meetingLink\":\"" + link + "\"}}";
    }

    /** A WebSocket client that records every frame. */
    private static final class Client implements WebSocket.Listener {
        final List<JsonNode> frames = new ArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final WebSocket ws;
        private final StringBuilder partial = new StringBuilder();

        Client(RunningPorta porta, String firstFrame) {
            URI uri = URI.create(porta.baseUrl().replaceFirst("^https", "wss") + "calling/v1");
            ws = porta.httpClient().newWebSocketBuilder().buildAsync(uri, this).join();
            send(firstFrame);
        }

        void send(String frame) {
            ws.sendText(frame, true).join();
        }

        synchronized JsonNode await(String type, Predicate<JsonNode> filter) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                for (JsonNode n : frames) {
                    if (n.path("type").asText().equals(type) && filter.test(n)) {
                        frames.remove(n);
                        return n;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closeCode.isDone()) {
                    throw new AssertionError("no matching '" + type + "' frame; closed: " + closeCode.getNow(null));
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode n = JSON.readTree(partial.toString());
                    synchronized (this) {
                        frames.add(n);
                        notifyAll();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            synchronized (this) {
                notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
            synchronized (this) {
                notifyAll();
            }
        }
    }
}
