// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One participant's calling-protocol socket ({@code wss://host/calling/v1}): sends frames, and queues
 * the server's frames for the participant's control loop. The queue is bounded; a participant that
 * cannot keep up loses frames and counts them, rather than growing the load generator's memory.
 */
final class CallingClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> inbox = new ArrayBlockingQueue<>(1024);
    private final AtomicLong dropped = new AtomicLong();
    private final WebSocket socket;
    private volatile boolean open = true;

    CallingClient(HttpClient http, URI url) {
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(url, new Listener()).join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    if (!inbox.offer(JSON.readTree(partial.toString()))) {
                        dropped.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    dropped.incrementAndGet();
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            open = false;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            open = false;
        }
    }

    /** Sends {@code {"v":1,"type":type, ...fields}}; fields alternate name and value. */
    void send(String type, Object... fields) {
        ObjectNode frame = JSON.createObjectNode().put("v", 1).put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            frame.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        synchronized (socket) {
            socket.sendText(frame.toString(), true).join();
        }
    }

    JsonNode poll(long millis) throws InterruptedException {
        return inbox.poll(millis, TimeUnit.MILLISECONDS);
    }

    boolean open() {
        return open;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        open = false;
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // closing anyway
        }
        socket.abort();
    }
}
