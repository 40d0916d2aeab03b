// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) that records every frame it receives. */
public final class TestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_MS = 5000;

    private final List<JsonNode> received = new ArrayList<>();
    private final List<Boolean> consumed = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket ws;

    public TestClient(HttpClient http, String url) {
        this.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), new Listener()).join();
    }

    public TestClient send(String json) {
        ws.sendText(json, true).join();
        return this;
    }

    /**
     * Sends unless this side's output is already closed, as it is once the server's close frame has been
     * answered; for floods, where the server may cut the client off between two sends.
     */
    public boolean trySend(String json) {
        try {
            ws.sendText(json, true).join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.IOException && ws.isOutputClosed()) {
                return false;
            }
            throw e;
        }
    }

    /** The next not-yet-consumed frame of {@code type}, waiting up to 5 s. */
    public JsonNode await(String type) {
        return await(type, n -> true);
    }

    public synchronized JsonNode await(String type, Predicate<JsonNode> filter) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            for (int i = 0; i < received.size(); i++) {
                JsonNode n = received.get(i);
                if (!consumed.get(i) && n.path("type").asText().equals(type) && filter.test(n)) {
                    consumed.set(i, true);
                    return n;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("no '" + type + "' frame within 5 s; received " + received);
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Every frame of {@code type} received so far (consumed or not). */
    public synchronized List<JsonNode> all(String type) {
        return received.stream().filter(n -> n.path("type").asText().equals(type)).toList();
    }

    /** The end reason of the final {@code stateChanged} and the close code. */
    public JsonNode awaitEnd() {
        return await("stateChanged", n -> n.path("state").asText().equals("Disconnected")).path("callEndReason");
    }

    public int awaitCloseCode() {
        try {
            return closeCode.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not close the socket", e);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Drops the TCP connection without a close handshake, as a lost network would. */
    public void drop() {
        ws.abort();
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

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
                    synchronized (TestClient.this) {
                        received.add(n);
                        consumed.add(false);
                        TestClient.this.notifyAll();
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
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
