// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A calling-protocol client over a real WebSocket (wss, Porta's certificate trusted): sends frames and
 * waits for the ones it expects, keeping everything it received for assertions.
 */
final class SignalingClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    SignalingClient(RunningPorta porta) {
        this(porta.baseUrl(), porta.httpClient());
    }

    /** A client of Porta reached at {@code baseUrl} (for example through a reverse proxy) with {@code http}. */
    SignalingClient(String baseUrl, java.net.http.HttpClient http) {
        this(URI.create(baseUrl.replaceFirst("^https", "wss") + "calling/v1"), http);
    }

    /** A client of the calling WebSocket at {@code socketUrl} (e.g. the one a {@code joinElsewhere} names). */
    SignalingClient(URI socketUrl, java.net.http.HttpClient http) {
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(socketUrl, new Listener()).join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    /** Sends {@code {"v":1,"type":type, ...fields}}; fields alternate name and value. */
    void send(String type, Object... fields) {
        ObjectNode frame = JSON.createObjectNode().put("v", 1).put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            frame.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        socket.sendText(frame.toString(), true).join();
    }

    /** Waits for the next frame of {@code type} that matches; frames before it are kept in {@link #seen()}. */
    JsonNode await(String type, Predicate<JsonNode> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (JsonNode f : seen) {
            if (f.path("type").asText().equals(type) && matching.test(f) && !f.has("_taken")) {
                ((ObjectNode) f).put("_taken", true);
                return f;
            }
        }
        while (System.nanoTime() < deadline) {
            JsonNode f = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (f == null) {
                continue;
            }
            seen.add(f);
            if (f.path("type").asText().equals(type) && matching.test(f)) {
                ((ObjectNode) f).put("_taken", true);
                return f;
            }
        }
        throw new AssertionError("no '" + type + "' frame within 15 s; received: " + seen);
    }

    JsonNode await(String type) throws InterruptedException {
        return await(type, f -> true);
    }

    JsonNode awaitState(String state) throws InterruptedException {
        return await("stateChanged", f -> f.path("state").asText().equals(state));
    }

    List<JsonNode> seen() {
        return seen;
    }

    int awaitClose() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }

    static void assertEndReason(JsonNode disconnected, int code, int subCode) {
        assertThat(disconnected.at("/callEndReason/code").asInt()).as(disconnected.toString()).isEqualTo(code);
        assertThat(disconnected.at("/callEndReason/subCode").asInt()).as(disconnected.toString()).isEqualTo(subCode);
        assertThat(disconnected.at("/callEndReason/message").asText()).isNotBlank();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
