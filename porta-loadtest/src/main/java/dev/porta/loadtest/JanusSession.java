// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session on Janus's plain-HTTP API ({@code /janus}): create, attach plugin handles, send plugin
 * messages (with JSEP), long-poll for events, destroy. Janus answers a message with an ack at once and
 * delivers the plugin's result as an event on the long poll.
 */
final class JanusSession implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong TRANSACTIONS = new AtomicLong();
    private final HttpClient http;
    private final URI base;
    final long id;

    JanusSession(HttpClient http, URI base) throws IOException, InterruptedException {
        this.http = http;
        this.base = base;
        this.id = post(base, frame("create")).at("/data/id").asLong();
    }

    long attach(String plugin) throws IOException, InterruptedException {
        ObjectNode f = frame("attach").put("plugin", plugin);
        return post(URI.create(base + "/" + id), f).at("/data/id").asLong();
    }

    /** Sends a plugin message; returns Janus's immediate reply (an ack, or the result of a synchronous request). */
    JsonNode message(long handle, ObjectNode body, String jsepType, String sdp) throws IOException, InterruptedException {
        ObjectNode f = frame("message");
        f.set("body", body);
        if (jsepType != null) {
            // rid_order: our simulcast line lists rids low to high (q;h;f); Janus assumes high to low unless told
            f.putObject("jsep").put("type", jsepType).put("sdp", sdp).put("trickle", false).put("rid_order", "lmh");
        }
        return post(URI.create(base + "/" + id + "/" + handle), f);
    }

    /** Waits (up to about 30 s, Janus's long-poll limit) for events; an empty list on a keepalive. */
    List<JsonNode> poll() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/" + id + "?maxev=10"))
                .timeout(Duration.ofSeconds(45)).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("Janus long poll: HTTP " + r.statusCode());
        }
        JsonNode n = JSON.readTree(r.body());
        List<JsonNode> events = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(events::add);
        } else if (!n.path("janus").asText().equals("keepalive")) {
            events.add(n);
        }
        return events;
    }

    static ObjectNode frame(String janus) {
        return JSON.createObjectNode().put("janus", janus).put("transaction", "t" + TRANSACTIONS.incrementAndGet());
    }

    private JsonNode post(URI uri, ObjectNode frame) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(frame.toString())).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != 200 || n.path("janus").asText().equals("error")) {
            throw new IOException("Janus " + frame.path("janus").asText() + ": " + r.body());
        }
        return n;
    }

    @Override
    public void close() {
        try {
            post(URI.create(base + "/" + id), frame("destroy"));
        } catch (IOException | InterruptedException e) {
            // Janus drops the session on its own timeout anyway
        }
    }
}
