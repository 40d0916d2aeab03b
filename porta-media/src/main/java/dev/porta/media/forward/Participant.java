// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.MediaStats;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import dev.porta.media.rtcp.RtcpCompound;
import dev.porta.media.rtcp.RtcpFeedback;
import dev.porta.media.rtcp.TransportCcFeedback;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.sdp.DownTrackSpec;
import dev.porta.media.sdp.PublishNegotiator;
import dev.porta.media.sdp.PublishedMedia;
import dev.porta.media.sdp.SessionDescription;
import dev.porta.media.sdp.SubscribeOfferWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One participant's media in one room: its publish side (up-tracks from its publish connection) and
 * its subscribe side (down-tracks on its subscribe connection, the subscribe offer/answer state, its
 * preferences). Public methods are the {@link MediaSession} API and hop onto the media thread; all
 * other methods run on it.
 */
public final class Participant implements MediaSession {
    final MediaContext ctx;
    final Room room;
    final MediaParticipantId id;
    private final MediaListener listener;
    final PeerTransport publish;
    final PeerTransport subscribe;
    final Map<String, UpTrack> upTracks = new LinkedHashMap<>();
    final List<UpTrack> upList = new ArrayList<>();
    private final UpstreamReceiver upstream = new UpstreamReceiver(this);
    final List<DownTrack> downTracks = new ArrayList<>();
    final Set<TrackSource> disabled = EnumSet.noneOf(TrackSource.class);
    /** Whether this participant's media may go into the room's recording (explicit consent); off until calling says. */
    boolean recorded;
    private final Map<String, Integer> maxHeights = new HashMap<>();
    private Set<MediaParticipantId> pinned = Set.of();
    private int lastN;
    int joinOrder;
    private int nextMid;
    private long offerVersion = 1;
    private boolean awaitingAnswer;
    private long offerSentMillis;
    static final long OFFER_RETRY_MILLIS = 10_000;
    /** The down-tracks in the outstanding subscribe offer, in m-section order. */
    private List<DownTrack> offered = List.of();
    private boolean offerDirty;
    private boolean closed;
    private TransportState state = TransportState.CONNECTING;
    private long lastTccFeedbackMillis;
    private long lastReportMillis;
    private long lastAllocationMillis;
    long packetsIn;
    long bytesIn;
    long unknownStreams;
    private final int[] nackScratch = new int[NackGenerator.CAPACITY];
    /** Probes the subscribe path when the estimate is below the layers wanted. */
    private final SubscribeProber prober;
    /** Set by {@link LayerAllocator}: what the chosen video layers need, and the best ones within max heights. */
    long allocatedVideoBps;
    long wantedVideoBps;

    Participant(MediaContext ctx, Room room, MediaParticipantId id, MediaListener listener) {
        this.ctx = ctx;
        this.room = room;
        this.id = id;
        this.listener = listener;
        this.lastN = ctx.config.lastN();
        this.publish = new PeerTransport(ctx, this, PeerTransport.Role.PUBLISH);
        this.subscribe = new PeerTransport(ctx, this, PeerTransport.Role.SUBSCRIBE);
        this.prober = new SubscribeProber(ctx.config.maxBitrate());
    }

    /** Creates the participant on the media thread and joins it to the room. */
    public static Participant open(MediaContext ctx, Room room, MediaParticipantId id, MediaListener listener) {
        Participant p = new Participant(ctx, room, id, listener);
        room.join(p);
        return p;
    }

    public MediaParticipantId id() {
        return id;
    }

    public Room room() {
        return room;
    }

    private PublishNegotiator.LocalTransport local(PeerTransport t) {
        return new PublishNegotiator.LocalTransport(t.ufrag, t.pwd, ctx.certificate.fingerprint(), ctx.candidates);
    }

    // ---- MediaSession API (any thread) ----

    @Override
    public String answerPublishOffer(String sdpOffer, Map<String, TrackSource> sourcesByMid) throws SdpException {
        Map<String, TrackSource> sources = sourcesByMid == null ? Map.of() : sourcesByMid;
        // validate on the caller's thread, so a bad offer costs the media thread nothing
        PublishNegotiator.Result probe = PublishNegotiator.answer(sdpOffer, sources, local(publish));
        return ctx.loop.call(() -> {
            PublishNegotiator.Result r = probe;
            if (publish.remoteUfrag != null && !publish.remoteUfrag.equals(probe.remoteUfrag())) {
                publish.restartIce();
                try {
                    r = PublishNegotiator.answer(sdpOffer, sources, local(publish));
                } catch (SdpException e) {
                    throw new IllegalStateException("offer validated once already", e);
                }
            }
            publish.remoteUfrag = probe.remoteUfrag();
            applyPublish(r);
            return r.answer();
        });
    }

    @Override
    public void restartSubscribeIce() {
        ctx.loop.execute(() -> {
            if (closed || downTracks.isEmpty()) {
                return; // no subscribe connection yet: its first offer will carry fresh credentials anyway
            }
            subscribe.restartIce();
            renegotiate(); // now, or once the outstanding offer is answered
        });
    }

    @Override
    public void acceptSubscribeAnswer(String sdpAnswer) throws SdpException {
        SessionDescription d = SessionDescription.parse(sdpAnswer);
        if (d.media.isEmpty()) {
            throw new SdpException("answer has no media sections");
        }
        String fp = d.attr(d.media.get(0), "fingerprint");
        if (fp == null || !fp.toLowerCase(java.util.Locale.ROOT).startsWith("sha-256 ")) {
            throw new SdpException("answer lacks a sha-256 fingerprint");
        }
        String setup = d.attr(d.media.get(0), "setup");
        if (setup != null && !setup.equals("active")) {
            throw new SdpException("answer must take the DTLS client role (a=setup:active)");
        }
        Set<String> accepted = new HashSet<>();
        for (SessionDescription.Media m : d.media) {
            if (m.port != 0 && m.mid() != null && !m.direction().equals("inactive")) {
                accepted.add(m.mid());
            }
        }
        String fingerprint = fp.substring(8).trim();
        String error = ctx.loop.call(() -> applySubscribeAnswer(fingerprint, accepted, d.media.size()));
        if (error != null) {
            throw new SdpException(error);
        }
    }

    @Override
    public void setSourceEnabled(TrackSource source, boolean enabled) {
        ctx.loop.execute(() -> {
            if (enabled ? disabled.remove(source) : disabled.add(source)) {
                if (!enabled && source == TrackSource.MICROPHONE) {
                    room.speakers.silence(this);
                }
                if (enabled && source != TrackSource.MICROPHONE) {
                    for (UpTrack t : upList) {
                        if (t.source == source) {
                            t.streams.forEach(s -> s.requestKeyframe(ctx.millis.getAsLong()));
                        }
                    }
                }
            }
        });
    }

    @Override
    public void setRecorded(boolean recorded) {
        ctx.loop.execute(() -> this.recorded = recorded);
    }

    @Override
    public void setVideoPreference(MediaParticipantId publisher, TrackSource source, int maxHeight) {
        ctx.loop.execute(() -> {
            maxHeights.put(publisher.value() + "/" + source.wireName(), Math.max(0, maxHeight));
            allocate(ctx.millis.getAsLong());
        });
    }

    @Override
    public void setLastN(int n) {
        ctx.loop.execute(() -> {
            lastN = Math.max(0, n);
            allocate(ctx.millis.getAsLong());
        });
    }

    @Override
    public void setPinned(Set<MediaParticipantId> pinned) {
        Set<MediaParticipantId> copy = Set.copyOf(pinned);
        ctx.loop.execute(() -> {
            this.pinned = copy;
            allocate(ctx.millis.getAsLong());
        });
    }

    @Override
    public void close() {
        ctx.loop.call(() -> {
            closeOnLoop();
            return null;
        });
    }

    // ---- media thread ----

    void closeOnLoop() {
        if (closed) {
            return;
        }
        closed = true;
        room.leave(this);
        for (UpTrack t : upList) {
            room.trackRemoved(t);
        }
        room.renegotiateAllBut(this);
        upTracks.clear();
        upList.clear();
        for (DownTrack d : downTracks) {
            d.up.downs.remove(d);
        }
        downTracks.clear();
        publish.close();
        subscribe.close();
        setState(TransportState.CLOSED);
        ctx.closedHook.accept(this);
    }

    private void applyPublish(PublishNegotiator.Result r) {
        if (closed) {
            return;
        }
        publish.expectFingerprint(r.remoteFingerprint());
        Set<String> mids = new HashSet<>();
        for (PublishedMedia m : r.media()) {
            mids.add(m.mid());
            UpTrack existing = upTracks.get(m.mid());
            if (existing != null && existing.source == m.source()) {
                existing.media = m;
                continue;
            }
            if (existing != null) {
                removeUpTrack(existing);
            }
            UpTrack t = new UpTrack(this, m);
            for (int i = 0; i < m.ssrcs().size(); i++) {
                UpStream s = new UpStream(t, m.ssrcs().get(i), null);
                if (i < m.rtxSsrcs().size()) {
                    s.rtxSsrc = m.rtxSsrcs().get(i);
                }
                t.streams.add(s);
            }
            upTracks.put(m.mid(), t);
            upList.add(t);
            room.trackAdded(t);
        }
        for (UpTrack t : List.copyOf(upList)) {
            if (!mids.contains(t.mid)) {
                removeUpTrack(t);
            }
        }
        room.renegotiateAllBut(this);
        notifyPublished();
    }

    private void removeUpTrack(UpTrack t) {
        upTracks.remove(t.mid);
        upList.remove(t);
        room.trackRemoved(t);
    }

    private void notifyPublished() {
        Set<TrackSource> s = EnumSet.noneOf(TrackSource.class);
        for (UpTrack t : upList) {
            s.add(t.source);
        }
        safe(() -> listener.publishedSources(Set.copyOf(s)));
    }

    void addDownTrack(UpTrack t) {
        DownTrack d = new DownTrack(this, t, Integer.toString(nextMid++));
        downTracks.add(d);
        t.downs.add(d);
    }

    void retireDownTrack(DownTrack d) {
        d.active = false;
        d.forwarding = false;
    }

    /** Sends a new subscribe offer, or remembers to once the outstanding one is answered. */
    void renegotiate() {
        if (closed) {
            return;
        }
        if (awaitingAnswer) {
            offerDirty = true;
            return;
        }
        if (downTracks.isEmpty()) {
            return; // nothing to receive yet: the subscribe connection starts with the first track
        }
        List<DownTrackSpec> specs = new ArrayList<>(downTracks.size());
        for (DownTrack d : downTracks) {
            specs.add(d.spec());
        }
        String offer = SubscribeOfferWriter.offer(offerVersion++, specs, local(subscribe));
        offered = List.copyOf(downTracks);
        awaitingAnswer = true;
        offerSentMillis = ctx.millis.getAsLong();
        offerDirty = false;
        safe(() -> listener.subscribeOffer(offer));
    }

    private String applySubscribeAnswer(String fingerprint, Set<String> acceptedMids, int sections) {
        if (!awaitingAnswer) {
            return "no subscribe offer is outstanding";
        }
        if (sections != offered.size()) {
            return "answer has " + sections + " media sections, offer had " + offered.size();
        }
        subscribe.expectFingerprint(fingerprint);
        awaitingAnswer = false;
        long now = ctx.millis.getAsLong();
        for (DownTrack d : offered) {
            boolean was = d.negotiated;
            d.negotiated = d.active && acceptedMids.contains(d.mid);
            if (d.negotiated && !was && !d.up.audio) {
                d.up.streams.forEach(s -> s.requestKeyframe(now));
            }
        }
        // retired tracks are gone from both sides now; drop them from the forwarding lists
        for (DownTrack d : offered) {
            if (!d.active) {
                d.up.downs.remove(d);
            }
        }
        allocate(now);
        if (offerDirty) {
            renegotiate();
        }
        return null;
    }

    void transportConnected(PeerTransport t) {
        if (t == subscribe) {
            long now = ctx.millis.getAsLong();
            for (DownTrack d : downTracks) {
                if (d.target != null) {
                    d.target.requestKeyframe(now);
                }
            }
        }
        setState(TransportState.CONNECTED);
    }

    /**
     * The browser moved a connected transport to another path (its network changed). Whatever video was
     * sent on the old path is lost, so keyframes are asked for at once: without them the browser decodes
     * again only when it gives up waiting (~3 s) and asks itself.
     */
    void pathMoved(PeerTransport t) {
        long now = ctx.millis.getAsLong();
        if (t == subscribe) {
            for (DownTrack d : downTracks) {
                if (d.target != null && !d.up.audio) {
                    d.target.requestKeyframe(now);
                }
            }
        } else {
            for (UpTrack u : upList) {
                if (!u.audio) {
                    u.streams.forEach(s -> s.requestKeyframe(now));
                }
            }
        }
    }

    void transportFailed(PeerTransport t, String why) {
        setState(TransportState.FAILED);
    }

    private void setState(TransportState s) {
        if (state != s && state != TransportState.CLOSED) {
            state = s;
            safe(() -> listener.transportState(s));
        }
    }

    void notifySpeaking(boolean speaking) {
        safe(() -> listener.speaking(speaking));
    }

    void notifyActiveSpeaker(MediaParticipantId speaker) {
        safe(() -> listener.activeSpeaker(speaker));
    }

    private void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            ctx.drop("listener-exception");
        }
    }

    // ---- packets ----

    void onRtp(PeerTransport t, RtpPacket p, long nowMillis) {
        upstream.onRtp(t, p, nowMillis);
    }

    void onRtcp(PeerTransport t, RtcpCompound c, long nowMillis) {
        for (int i = 0; i < c.count(); i++) {
            int type = c.type(i);
            int fmt = c.fmt(i);
            if (t == publish) {
                if (type == RtcpCompound.SR) {
                    long ssrc = c.senderSsrc(i);
                    for (UpTrack u : upList) {
                        UpStream s = u.stream(ssrc);
                        if (s != null) {
                            s.srNtp = RtcpFeedback.srNtp(c, i);
                            s.srRtp = RtcpFeedback.srRtpTimestamp(c, i);
                            s.srArrivalMillis = nowMillis;
                            for (DownTrack d : u.downs) {
                                d.senderReport(s);
                            }
                        }
                    }
                }
                continue;
            }
            if (type == RtcpCompound.RTPFB && fmt == RtcpCompound.FMT_NACK) {
                DownTrack d = downBySsrc(c.mediaSsrc(i));
                if (d != null) {
                    RtcpFeedback.forEachNacked(c, i, seq -> d.retransmit(seq, nowMillis));
                }
            } else if (type == RtcpCompound.RTPFB && fmt == RtcpCompound.FMT_TCC) {
                TransportCcFeedback.read(c, i, subscribe.bwe::feedback);
                subscribe.bwe.update(nowMillis);
            } else if (type == RtcpCompound.PSFB && fmt == RtcpCompound.FMT_AFB) {
                subscribe.bwe.remb(RtcpFeedback.rembBitrate(c, i));
            } else if (type == RtcpCompound.PSFB && (fmt == RtcpCompound.FMT_PLI || fmt == RtcpCompound.FMT_FIR)) {
                long media = c.mediaSsrc(i);
                if (fmt == RtcpCompound.FMT_FIR) {
                    RtcpFeedback.forEachFirTarget(c, i, s -> keyframeFor(downBySsrc(s), nowMillis));
                } else {
                    keyframeFor(downBySsrc(media), nowMillis);
                }
            }
        }
    }

    private void keyframeFor(DownTrack d, long nowMillis) {
        if (d != null && d.current != null) {
            d.current.requestKeyframe(nowMillis);
        }
    }

    private DownTrack downBySsrc(long ssrc) {
        for (int i = 0; i < downTracks.size(); i++) {
            DownTrack d = downTracks.get(i);
            if (d.ssrc == ssrc) {
                return d;
            }
        }
        return null;
    }

    // ---- periodic work ----

    void tick(long nowMillis) {
        if (closed) {
            return;
        }
        for (PeerTransport t : new PeerTransport[] {publish, subscribe}) {
            if (t.address != null && nowMillis - t.lastCheckMillis > ctx.config.consentTimeout().toMillis()) {
                ctx.count("consent-failures");
                t.fail("consent expired");
            } else if (!t.connected && t.address != null
                    && nowMillis - t.lastCheckMillis > ctx.config.connectTimeout().toMillis()) {
                t.fail("connect timeout");
            }
        }
        if (publish.out != null && nowMillis - lastTccFeedbackMillis >= 50) {
            lastTccFeedbackMillis = nowMillis;
            long media = upList.isEmpty() || upList.get(0).streams.isEmpty() ? 0 : upList.get(0).streams.get(0).ssrc;
            int n;
            while ((n = publish.tcc.write(ctx.rtcpScratch, 0, ctx.rtcpSsrc, media)) > 0) {
                publish.sendRtcp(ctx.rtcpScratch, 0, n);
            }
        }
        if (publish.out != null) {
            for (int i = 0; i < upList.size(); i++) {
                UpTrack u = upList.get(i);
                if (!u.audio) {
                    for (int k = 0; k < u.streams.size(); k++) {
                        u.streams.get(k).sendNacks(nowMillis, nackScratch);
                    }
                }
            }
        }
        if (nowMillis - lastReportMillis >= 1000) {
            lastReportMillis = nowMillis;
            for (UpTrack u : upList) {
                for (UpStream s : u.streams) {
                    s.updateRate(nowMillis);
                    int n = s.writeReceiverReport(ctx.rtcpScratch, 0, nowMillis);
                    if (n > 0 && publish.out != null) {
                        publish.sendRtcp(ctx.rtcpScratch, 0, n);
                    }
                }
            }
        }
        if (nowMillis - lastAllocationMillis >= 500) {
            allocate(nowMillis);
        }
        prober.tick(this, nowMillis);
        if (awaitingAnswer && nowMillis - offerSentMillis > OFFER_RETRY_MILLIS) {
            // the offer or its answer got lost on the way: offer the current state again
            awaitingAnswer = false;
            renegotiate();
        }
    }

    /** Re-runs the layer allocation (see {@link LayerAllocator}). */
    void allocate(long nowMillis) {
        lastAllocationMillis = nowMillis;
        LayerAllocator.allocate(this, lastN, pinned, maxHeights, nowMillis);
    }

    /** Counters for {@link dev.porta.media.Sfu#stats()}; media thread only. */
    public MediaStats.Participant statsSnapshot() {
        long out = 0;
        long outBytes = 0;
        long nacks = 0;
        long rtx = 0;
        for (DownTrack d : downTracks) {
            out += d.packets;
            outBytes += d.bytes;
            nacks += d.nacks;
            rtx += d.retransmissions;
        }
        long lost = 0;
        long plis = 0;
        Map<String, Integer> layers = new TreeMap<>();
        for (UpTrack u : upList) {
            for (UpStream s : u.streams) {
                lost += s.lost;
                plis += s.keyframeRequests;
            }
        }
        for (DownTrack d : downTracks) {
            if (d.active && !d.up.audio) {
                layers.put(d.up.owner.id.value() + "/" + d.up.source.wireName(),
                        d.current == null || !d.forwarding ? -1 : d.current.height);
            }
        }
        String path = publish.path() != null ? publish.path() : subscribe.path();
        return new MediaStats.Participant(room.id.value(), id.value(), packetsIn, bytesIn, out, outBytes, lost, nacks,
                rtx, plis, subscribe.bwe.estimateBps(), layers, path);
    }
}
