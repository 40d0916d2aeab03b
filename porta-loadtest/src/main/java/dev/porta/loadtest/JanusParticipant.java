// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.media.sdp.Extensions;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The same synthetic participant in a Janus VideoRoom: one session with a publisher handle (joins the
 * room, publishes the recorded media when it is a publisher, and hears of other publishers) and one
 * multistream subscriber handle that subscribes to every other publisher as it appears.
 */
final class JanusParticipant extends ParticipantProgress {
    private static final long CONSENT_INTERVAL_NANOS = 5_000_000_000L;
    /** PORTA_LOADTEST_DEBUG=1 prints every Janus event (to debug the reference side, not for measured runs). */
    private static final boolean DEBUG = System.getenv("PORTA_LOADTEST_DEBUG") != null;
    private final Env env;
    private final HttpClient http;
    private final URI base;
    private final long room;
    private final String name;
    private final boolean audio;
    private final boolean video;
    private final BlockingQueue<JsonNode> inbox = new ArrayBlockingQueue<>(1024);
    private final Set<Long> subscribed = new HashSet<>();
    private final List<Long> pending = new ArrayList<>();
    private JanusSession session;
    private long pubHandle;
    private long subHandle;
    private long ownFeed;
    private boolean subJoined;
    private boolean negotiating;
    private PeerConnection publishPc;
    private PeerConnection subscribePc;
    private ScheduledFuture<?> pacing;

    JanusParticipant(Env env, HttpClient http, URI base, long room, String name, boolean audio, boolean video) {
        super(env);
        this.env = env;
        this.http = http;
        this.base = base;
        this.room = room;
        this.name = name;
        this.audio = audio;
        this.video = video;
    }

    @Override
    public void run() {
        Thread poller = null;
        try {
            session = new JanusSession(http, base);
            pubHandle = session.attach("janus.plugin.videoroom");
            subHandle = session.attach("janus.plugin.videoroom");
            poller = Thread.ofVirtual().name("janus-poll-" + name).start(this::poll);
            joinSent = System.nanoTime();
            session.message(pubHandle, body("join").put("ptype", "publisher").put("display", name), null, null);
            long lastConsent = System.nanoTime();
            while (!stopped) {
                JsonNode ev = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (System.nanoTime() - lastConsent > CONSENT_INTERVAL_NANOS) {
                    if (publishPc != null) {
                        publishPc.consentCheck();
                    }
                    if (subscribePc != null) {
                        subscribePc.consentCheck();
                    }
                    lastConsent = System.nanoTime();
                }
                if (ev != null) {
                    handle(ev);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            stopped = true;
            if (pacing != null) {
                pacing.cancel(false);
            }
            if (session != null) {
                session.close();
            }
            if (poller != null) {
                poller.interrupt();
            }
            if (publishPc != null) {
                publishPc.close();
            }
            if (subscribePc != null) {
                subscribePc.close();
            }
        }
    }

    private void poll() {
        while (!stopped) {
            try {
                for (JsonNode ev : session.poll()) {
                    if (!inbox.offer(ev)) {
                        fail("event queue full");
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!stopped) {
                    fail("long poll: " + e.getMessage());
                }
                return;
            }
        }
    }

    private void handle(JsonNode ev) throws Exception {
        if (DEBUG) {
            System.err.println(name + " <- " + ev.toString().replace("\\r\\n", " | "));
        }
        String janus = ev.path("janus").asText();
        if (janus.equals("hangup") || janus.equals("detached")) {
            fail("Janus " + janus + ": " + ev.path("reason").asText());
            return;
        }
        if (!janus.equals("event")) {
            return; // webrtcup, media, slowlink: informational
        }
        long sender = ev.path("sender").asLong();
        JsonNode data = ev.at("/plugindata/data");
        JsonNode jsep = ev.path("jsep");
        if (data.has("error")) {
            if (sender == pubHandle) {
                fail("VideoRoom: " + data.path("error").asText());
            }
            negotiating = false; // a subscription refused (the feed left): carry on with the others
            return;
        }
        if (sender == pubHandle) {
            String vr = data.path("videoroom").asText();
            if (vr.equals("joined")) {
                connected = System.nanoTime();
                ownFeed = data.path("id").asLong();
                addFeeds(data.path("publishers"));
                startPublishing();
            } else {
                addFeeds(data.path("publishers"));
                if (jsep.path("type").asText().equals("answer")) {
                    publishPc.connect(jsep.path("sdp").asText());
                    pacing = env.pacer().scheduleAtFixedRate(publisher::tick, 0, 10, TimeUnit.MILLISECONDS);
                    publishStarted = System.nanoTime();
                }
            }
        } else if (sender == subHandle && jsep.path("type").asText().equals("offer")) {
            String offer = jsep.path("sdp").asText();
            boolean first = subscribePc == null;
            if (first) {
                subscribePc = new PeerConnection(env.identity(), subscriber);
                subscriber.attach(subscribePc);
            }
            subscriber.transportCcExtension(Sdp.extensionId(offer, Extensions.TRANSPORT_CC));
            session.message(subHandle, body("start"), "answer",
                    Sdp.subscribeAnswer(offer, subscribePc, env.identity().fingerprint()));
            if (first) {
                subscribePc.connect(offer);
            }
            negotiating = false;
        }
        subscribeToPending();
    }

    private Publisher publisher;

    private void startPublishing() throws Exception {
        if (!audio && !video) {
            return;
        }
        publishPc = new PeerConnection(env.identity(), new PeerConnection.Receiver() {
            @Override public void rtp(byte[] b, int len, long arrivalNanos) { }
            @Override public void rtcp(byte[] b, int len) { }
        });
        publisher = new Publisher(env.media(), publishPc::sendRtp, env.totals(), audio, video);
        // "active": Janus answers an actpass offer by taking the DTLS client role; this keeps it the server
        String offer = Sdp.publishOffer(publishPc, env.identity().fingerprint(), publisher.audioSsrc, video, "active");
        session.message(pubHandle, body("publish"), "offer", offer);
    }

    private void addFeeds(JsonNode publishers) {
        for (JsonNode p : publishers) {
            long feed = p.path("id").asLong();
            if (feed != ownFeed && subscribed.add(feed)) {
                pending.add(feed);
            }
        }
    }

    private void subscribeToPending() throws Exception {
        if (negotiating || pending.isEmpty()) {
            return;
        }
        ObjectNode b = body(subJoined ? "subscribe" : "join");
        if (!subJoined) {
            b.put("ptype", "subscriber");
        }
        ArrayNode streams = b.putArray("streams");
        // substream 1 = the 360p layer (0 = 180p, 2 = 720p), see SyntheticParticipant.PREFERRED_HEIGHT
        pending.forEach(f -> streams.addObject().put("feed", f).put("substream", 1));
        pending.clear();
        negotiating = true;
        subJoined = true;
        session.message(subHandle, b, null, null);
    }

    private ObjectNode body(String request) {
        return JanusSession.JSON.createObjectNode().put("request", request).put("room", room);
    }
}
