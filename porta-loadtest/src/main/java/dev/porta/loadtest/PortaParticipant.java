// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.media.sdp.Extensions;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A synthetic guest in a Porta meeting: joins over the calling protocol with a guest token, publishes
 * its microphone and/or camera (Opus, VP8 simulcast) on a publish connection, answers every subscribe
 * offer and receives on a subscribe connection, and keeps both transports and the socket alive.
 */
final class PortaParticipant extends ParticipantProgress {
    private static final long CONSENT_INTERVAL_NANOS = 5_000_000_000L;
    private static final long PING_INTERVAL_NANOS = 15_000_000_000L;

    private final Env env;
    private final HttpClient http;
    private final URI callingUrl;
    private final String meetingLink;
    private final String token;
    private final String name;
    private final boolean audio;
    private final boolean video;
    private PeerConnection publishPc;
    private PeerConnection subscribePc;
    private Publisher publisher;
    private String self = "";
    private final java.util.Set<String> preferred = new java.util.HashSet<>();
    private ScheduledFuture<?> pacing;
    /** The TURN server and credentials from the latest iceServers message (relay transport). */
    private RelayServer relay;

    PortaParticipant(Env env, HttpClient http, URI callingUrl, String meetingLink, String token, String name,
                     boolean audio, boolean video) {
        super(env);
        this.env = env;
        this.http = http;
        this.callingUrl = callingUrl;
        this.meetingLink = meetingLink;
        this.token = token;
        this.name = name;
        this.audio = audio;
        this.video = video;
    }

    @Override
    public void run() {
        try (CallingClient ws = new CallingClient(http, callingUrl)) {
            joinSent = System.nanoTime();
            ws.send("join", "id", "join", "token", token, "locator", Map.of("meetingLink", meetingLink),
                    "displayName", name, "muted", !audio);
            long lastPing = System.nanoTime();
            long lastConsent = System.nanoTime();
            while (!stopped) {
                JsonNode f = ws.poll(200);
                long now = System.nanoTime();
                if (now - lastPing > PING_INTERVAL_NANOS) {
                    ws.send("ping");
                    lastPing = now;
                }
                if (now - lastConsent > CONSENT_INTERVAL_NANOS) {
                    consent();
                    lastConsent = now;
                }
                if (f == null) {
                    if (!ws.open()) {
                        fail("calling socket closed");
                    }
                    continue;
                }
                handle(ws, f);
            }
            if (ws.open()) {
                ws.send("leave");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            closeMedia();
        }
    }

    private void handle(CallingClient ws, JsonNode f) throws Exception {
        switch (f.path("type").asText()) {
            case "stateChanged" -> {
                String state = f.path("state").asText();
                if (state.equals("Connected")) {
                    connected = System.nanoTime();
                    self = f.path("participantId").asText();
                    startPublishing(ws);
                } else if (state.equals("Disconnected")) {
                    fail("disconnected: " + f.path("callEndReason"));
                } else {
                    fail("unexpected state " + state + " (the meeting's lobby bypass must be 'everyone')");
                }
            }
            case "publishAnswer" -> {
                publishPc.connect(f.path("sdp").asText());
                pacing = env.pacer().scheduleAtFixedRate(publisher::tick, 0, 10, TimeUnit.MILLISECONDS);
                publishStarted = System.nanoTime();
            }
            case "subscribeOffer" -> {
                String offer = f.path("sdp").asText();
                boolean first = subscribePc == null;
                if (first) {
                    subscribePc = peerConnection(subscriber);
                    subscriber.attach(subscribePc);
                    subscribePc.gather();
                }
                subscriber.transportCcExtension(Sdp.extensionId(offer, Extensions.TRANSPORT_CC));
                ws.send("subscribeAnswer", "sdp", Sdp.subscribeAnswer(offer, subscribePc, env.identity().fingerprint()));
                if (first) {
                    subscribePc.connect(offer);
                }
            }
            case "iceServers" -> {
                relay = RelayServer.fromIceServers(f);
                env.totals().turnCredentials.increment();
            }
            case "roster" -> f.path("participants").forEach(p -> prefer(ws, p));
            case "rosterDelta" -> prefer(ws, f.path("participant"));
            case "error" -> {
                if (f.path("code").asText().equals("sdpRejected")) {
                    fail("SDP rejected: " + f.path("message").asText());
                }
            }
            default -> { }
        }
    }

    /** Asks for the preferred layer of each camera once, when it first appears in the roster. */
    private void prefer(CallingClient ws, JsonNode participant) {
        String id = participant.path("id").asText();
        boolean camera = false;
        for (JsonNode s : participant.path("streams")) {
            camera |= s.asText().equals("video");
        }
        if (camera && !id.equals(self) && preferred.add(id)) {
            ws.send("videoPreference", "id", "vp-" + id, "participantId", id, "source", "camera",
                    "maxHeight", PREFERRED_HEIGHT);
        }
    }

    private void startPublishing(CallingClient ws) throws Exception {
        if (!audio && !video) {
            return;
        }
        Map<String, String> sources = new LinkedHashMap<>();
        if (audio) {
            ws.send("publish", "id", "pm", "source", "microphone");
            sources.put("0", "microphone");
        }
        if (video) {
            ws.send("publish", "id", "pc", "source", "camera");
            sources.put("1", "camera");
        }
        publishPc = peerConnection(new PeerConnection.Receiver() {
            @Override public void rtp(byte[] b, int len, long arrivalNanos) { }
            @Override public void rtcp(byte[] b, int len) { }
        });
        publishPc.gather();
        publisher = new Publisher(env.media(), publishPc::sendRtp, env.totals(), audio, video);
        ws.send("publishOffer", "id", "po", "sdp",
                Sdp.publishOffer(publishPc, env.identity().fingerprint(), publisher.audioSsrc, video),
                "sources", sources);
    }

    private PeerConnection peerConnection(PeerConnection.Receiver receiver) throws java.io.IOException {
        if (env.transport() == Transport.RELAY && relay == null) {
            throw new java.io.IOException("--transport relay, but Porta sent no TURN credentials (iceServers): is turn.urls set?");
        }
        return new PeerConnection(env.identity(), receiver, env.transport(), relay);
    }

    private void consent() {
        if (publishPc != null) {
            publishPc.consentCheck();
        }
        if (subscribePc != null) {
            subscribePc.consentCheck();
        }
    }


    private void closeMedia() {
        if (pacing != null) {
            pacing.cancel(false);
        }
        if (publishPc != null) {
            env.totals().relayedPackets.add(publishPc.relayedPackets());
            publishPc.close();
        }
        if (subscribePc != null) {
            env.totals().relayedPackets.add(subscribePc.relayedPackets());
            subscribePc.close();
        }
    }
}
