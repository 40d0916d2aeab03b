// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only signaling server on 127.0.0.1: serves the test page and relays offers and answers between
 * the page and the SFU over plain HTTP (loopback http is a secure context), polled by the page.
 */
final class TestSignaling implements AutoCloseable {
    static final MediaRoomId ROOM = new MediaRoomId("browser-room");

    final Map<String, MediaSession> sessions = new ConcurrentHashMap<>();
    final Map<String, List<String>> outbox = new ConcurrentHashMap<>();
    final Map<String, List<String>> events = new ConcurrentHashMap<>();
    private final Sfu sfu;
    private final HttpServer http;

    TestSignaling(Sfu sfu) throws IOException {
        this.sfu = sfu;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", this::handle);
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        http.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        }
    }

    private void route(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String id = q.get("id");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            switch (path) {
                case "/page.html" -> {
                    try (InputStream in = getClass().getResourceAsStream("/browser/sfu-test.html")) {
                        reply(ex, 200, "text/html", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
                case "/join" -> {
                    outbox.put(id, new CopyOnWriteArrayList<>());
                    events.put(id, new CopyOnWriteArrayList<>());
                    sessions.put(id, sfu.open(ROOM, new MediaParticipantId(id), listener(id)));
                    reply(ex, 200, "text/plain", "ok");
                }
                case "/publish" -> {
                    Map<String, TrackSource> sources = new HashMap<>();
                    for (String kv : q.getOrDefault("sources", "").split(",")) {
                        String[] p = kv.split(":");
                        if (p.length == 2) {
                            sources.put(p[0], TrackSource.valueOf(p[1].toUpperCase(java.util.Locale.ROOT)));
                        }
                    }
                    reply(ex, 200, "application/sdp", sessions.get(id).answerPublishOffer(body, sources));
                }
                case "/answer" -> {
                    sessions.get(id).acceptSubscribeAnswer(body);
                    reply(ex, 200, "text/plain", "ok");
                }
                case "/poll" -> {
                    List<String> box = outbox.get(id);
                    if (box == null) {
                        reply(ex, 410, "text/plain", "gone");
                        return;
                    }
                    // the page says how many messages it has handled, so a lost response is simply asked again
                    int since = Integer.parseInt(q.getOrDefault("since", "0"));
                    List<String> taken = new ArrayList<>(box.subList(Math.min(since, box.size()), box.size()));
                    reply(ex, 200, "application/json", "[" + String.join(",", taken) + "]");
                }
                default -> reply(ex, 404, "text/plain", "no such path");
            }
        } catch (SdpException e) {
            reply(ex, 400, "text/plain", e.getMessage());
        } catch (RuntimeException | Error e) {
            System.err.println("signaling " + ex.getRequestURI() + " failed: " + e);
            e.printStackTrace();
            reply(ex, 500, "text/plain", String.valueOf(e));
        }
    }

    void leave(String id) {
        MediaSession s = sessions.remove(id);
        outbox.remove(id);
        if (s != null) {
            s.close();
        }
    }

    private MediaListener listener(String id) {
        return new MediaListener() {
            @Override
            public void subscribeOffer(String sdpOffer) {
                List<String> box = outbox.get(id);
                if (box != null) {
                    box.add("{\"type\":\"offer\",\"sdp\":\"" + json(sdpOffer) + "\"}");
                }
            }

            @Override
            public void publishedSources(Set<TrackSource> sources) {
                events.get(id).add("published " + (sources.isEmpty() ? "[]"
                        : java.util.EnumSet.copyOf(sources).toString()));
            }

            @Override
            public void speaking(boolean speaking) {
                events.get(id).add("speaking " + speaking);
            }

            @Override
            public void activeSpeaker(MediaParticipantId speaker) {
                events.get(id).add("active " + speaker.value());
            }

            @Override
            public void transportState(TransportState state) {
                events.get(id).add("state " + state);
            }
        };
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                m.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return m;
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        // no keep-alive: a reused connection the server already dropped shows up as ERR_EMPTY_RESPONSE
        ex.getResponseHeaders().set("Connection", "close");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
