// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.media.MediaConfig;
import dev.porta.media.MediaStats;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import dev.porta.media.rtcp.RtcpCompound;
import dev.porta.media.rtcp.RtcpWriter;
import dev.porta.media.rtp.RtpHeaderWriter;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.stun.StunMessage;
import dev.porta.media.util.Bytes;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole SFU over real loopback UDP with Java peers instead of browsers: ICE-lite checks, DTLS-SRTP,
 * forwarding with rewriting, NACK answered by RTX, PLI relayed to the publisher, server mute, hostile
 * datagrams, leave, and consent expiry on an injected clock.
 */
class SfuLoopbackTest {
    static final MediaRoomId ROOM = new MediaRoomId("r1");

    /** Records what the SFU tells one participant. */
    static final class Recorder implements MediaListener {
        final List<String> offers = new CopyOnWriteArrayList<>();
        final List<TransportState> states = new CopyOnWriteArrayList<>();

        @Override public void subscribeOffer(String sdpOffer) { offers.add(sdpOffer); }
        @Override public void publishedSources(Set<TrackSource> sources) { }
        @Override public void speaking(boolean speaking) { }
        @Override public void activeSpeaker(MediaParticipantId speaker) { }
        @Override public void transportState(TransportState state) { states.add(state); }

        String lastOffer() {
            return offers.get(offers.size() - 1);
        }
    }

    static String publishOffer(String fingerprint) {
        return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=ice-ufrag:pubU",
                "a=ice-pwd:pubpwdpubpwdpubpwdpubpw", "a=fingerprint:sha-256 " + fingerprint, "a=setup:actpass",
                "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly", "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2", "a=ssrc:1111 cname:x",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=ice-ufrag:pubU",
                "a=ice-pwd:pubpwdpubpwdpubpwdpubpw", "a=fingerprint:sha-256 " + fingerprint, "a=setup:actpass",
                "a=mid:1", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                "a=ssrc-group:FID 2222 2223", "a=ssrc:2222 cname:x", "a=ssrc:2223 cname:x", "") ;
    }

    /** A browser-like answer to a subscribe offer: every section accepted recvonly, DTLS active. */
    static String subscribeAnswer(String offer, String fingerprint) {
        StringBuilder a = new StringBuilder("v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        Matcher bundle = Pattern.compile("a=group:BUNDLE[^\r\n]*").matcher(offer);
        if (bundle.find()) {
            a.append(bundle.group()).append("\r\n");
        }
        for (String section : offer.split("(?=m=)")) {
            if (!section.startsWith("m=")) {
                continue;
            }
            String m = section.substring(0, section.indexOf("\r\n"));
            String mid = find(section, "a=mid:(\\S+)");
            a.append(m).append("\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(mid).append("\r\n");
            a.append(section.contains("a=inactive") ? "a=inactive\r\n" : "a=recvonly\r\n");
            a.append("a=ice-ufrag:subU\r\na=ice-pwd:subpwdsubpwdsubpwdsubpw\r\n");
            a.append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\na=setup:active\r\na=rtcp-mux\r\n");
        }
        return a.toString();
    }

    static void awaitConnected(Recorder r) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (!r.states.contains(TransportState.CONNECTED) && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(r.states).contains(TransportState.CONNECTED);
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : null;
    }

    static void connect(FakePeer peer, String sdpFromSfu, String localUfrag) throws Exception {
        int port = Integer.parseInt(find(sdpFromSfu, "typ host|udp \\d+ 127\\.0\\.0\\.1 (\\d+) typ host") == null
                ? find(sdpFromSfu, "127\\.0\\.0\\.1 (\\d+) typ host") : find(sdpFromSfu, "127\\.0\\.0\\.1 (\\d+) typ host"));
        String ufrag = find(sdpFromSfu, "a=ice-ufrag:(\\S+)");
        String pwd = find(sdpFromSfu, "a=ice-pwd:(\\S+)");
        StunMessage r = peer.check(port, localUfrag, ufrag, pwd, true);
        assertThat(r).as("binding response").isNotNull();
        assertThat(r.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(r.verifyIntegrity(pwd.getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(r.verifyFingerprint()).isTrue();
        assertThat(r.xorMappedAddress().getPort()).isEqualTo(peer.localPort());
        peer.handshake(find(sdpFromSfu, "a=fingerprint:sha-256 (\\S+)"));
    }

    /** A VP8 keyframe start (descriptor S=1, frame tag P=0, 320x240) or an interframe. */
    static byte[] vp8(boolean keyframe) {
        byte[] p = new byte[40];
        p[0] = 0x10;
        p[1] = (byte) (keyframe ? 0x50 : 0x51);
        p[4] = (byte) 0x9d;
        p[5] = 0x01;
        p[6] = 0x2a;
        p[7] = 0x40;
        p[8] = 0x01;
        p[9] = (byte) 0xf0;
        p[10] = 0x00;
        for (int i = 11; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    static void sendRtp(FakePeer peer, int pt, int seq, long ts, long ssrc, int midExt, String mid, byte[] payload)
            throws Exception {
        byte[] b = new byte[200];
        int h;
        if (midExt > 0) {
            b[0] = (byte) 0x90;
            b[1] = (byte) pt;
            Bytes.put16(b, 2, seq);
            Bytes.put32(b, 4, ts);
            Bytes.put32(b, 8, ssrc);
            Bytes.put16(b, 12, 0xBEDE);
            Bytes.put16(b, 14, 1);
            b[16] = (byte) ((midExt << 4) | (mid.length() - 1));
            b[17] = (byte) mid.charAt(0);
            h = 20;
        } else {
            h = RtpHeaderWriter.write(b, 0, false, pt, seq, ts, ssrc, 0, 0, 0, -1);
        }
        System.arraycopy(payload, 0, b, h, payload.length);
        int n = peer.out.protectRtp(b, 0, h + payload.length, h);
        peer.send(b, 0, n);
    }

    @Test
    void publisherReachesSubscriberThroughIceDtlsSrtpWithRewritingNackPliMuteAndLeave() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer alicePub = new FakePeer(); FakePeer bobSub = new FakePeer()) {
            Recorder aliceEvents = new Recorder();
            Recorder bobEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), aliceEvents);
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), bobEvents);
            assertThat(sfu.sessionCount()).isEqualTo(2);

            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            assertThat(bobEvents.offers).hasSize(1);
            String offer = bobEvents.lastOffer();
            assertThat(offer).contains("a=msid:alice microphone", "a=msid:alice camera");
            long camSsrc = Long.parseLong(find(offer, "a=ssrc-group:FID (\\d+) \\d+"));
            long rtxSsrc = Long.parseLong(find(offer, "a=ssrc-group:FID \\d+ (\\d+)"));

            connect(alicePub, answer, "pubU");
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, bobSub.fingerprint()));
            connect(bobSub, offer, "subU");
            awaitConnected(bobEvents); // the SFU installs its keys on the media thread, just after the handshake

            // video: a keyframe then interframes arrive rewritten, consecutive, payload intact
            for (int i = 0; i < 5; i++) {
                sendRtp(alicePub, 96, 500 + i, 9000 + 3000L * i, 2222, 4, "1", vp8(i == 0));
            }
            RtpPacket p = new RtpPacket();
            int firstSeq = -1;
            for (int i = 0; i < 5; i++) {
                byte[] got = bobSub.nextRtp(3000);
                assertThat(got).as("video packet " + i).isNotNull();
                assertThat(p.wrap(got, 0, got.length)).isTrue();
                assertThat(p.ssrc()).isEqualTo(camSsrc);
                assertThat(p.payloadType()).isEqualTo(96);
                if (firstSeq < 0) {
                    firstSeq = p.sequenceNumber();
                } else {
                    assertThat(p.sequenceNumber()).isEqualTo((firstSeq + i) & 0xFFFF);
                }
                assertThat(got[p.payloadOffset()]).isEqualTo((byte) 0x10);
            }

            // upstream loss: the SFU NACKs the publisher, and the publisher's RTX fills the gap downstream
            alicePub.rtcp.clear();
            sendRtp(alicePub, 96, 506, 27000, 2222, 4, "1", vp8(false));
            sendRtp(alicePub, 96, 508, 33000, 2222, 4, "1", vp8(false)); // 507 lost on the way in
            boolean sawNack = false;
            RtcpCompound nackFb = new RtcpCompound();
            for (int tries = 0; tries < 20 && !sawNack; tries++) {
                byte[] fb = alicePub.nextRtcp(200);
                if (fb != null && nackFb.wrap(fb, 0, fb.length)) {
                    for (int i = 0; i < nackFb.count(); i++) {
                        if (nackFb.type(i) == RtcpCompound.RTPFB && nackFb.fmt(i) == 1 && nackFb.mediaSsrc(i) == 2222) {
                            List<Integer> asked = new java.util.ArrayList<>();
                            dev.porta.media.rtcp.RtcpFeedback.forEachNacked(nackFb, i, asked::add);
                            sawNack = asked.contains(507);
                        }
                    }
                }
            }
            assertThat(sawNack).as("SFU NACKs the publisher for 507").isTrue();
            byte[] osnPayload = new byte[42];
            Bytes.put16(osnPayload, 0, 507);
            System.arraycopy(vp8(false), 0, osnPayload, 2, 40);
            sendRtp(alicePub, 97, 9000, 30000, 2223, 0, null, osnPayload);
            int[] want = {(firstSeq + 6) & 0xFFFF, (firstSeq + 8) & 0xFFFF, (firstSeq + 7) & 0xFFFF};
            for (int w : want) {
                byte[] got = bobSub.nextRtp(3000);
                assertThat(got).isNotNull();
                assertThat(p.wrap(got, 0, got.length)).isTrue();
                assertThat(p.sequenceNumber()).isEqualTo(w);
                assertThat(p.ssrc()).isEqualTo(camSsrc);
            }
            // the same retransmission once more (browsers probe bandwidth with RTX of packets they sent):
            // forwarding it again would send sequence number 507 twice, and SRTP must never reuse one
            sendRtp(alicePub, 97, 9001, 30000, 2223, 0, null, osnPayload);
            assertThat(bobSub.nextRtp(300)).as("a duplicate retransmission is not forwarded").isNull();
            bobSub.media.clear();

            // NACK for the third packet comes back as RTX carrying the original sequence number
            int lost = (firstSeq + 2) & 0xFFFF;
            byte[] r = new byte[100];
            int n = RtcpWriter.nack(r, 0, 77, camSsrc, new int[] {lost}, 1);
            n = bobSub.out.protectRtcp(r, 0, n);
            bobSub.send(r, 0, n);
            byte[] rtx = bobSub.nextRtp(3000);
            assertThat(rtx).isNotNull();
            assertThat(p.wrap(rtx, 0, rtx.length)).isTrue();
            assertThat(p.ssrc()).isEqualTo(rtxSsrc);
            assertThat(p.payloadType()).isEqualTo(97);
            assertThat(Bytes.u16(rtx, p.payloadOffset())).isEqualTo(lost);

            // PLI from the subscriber reaches the publisher for its camera stream
            boolean sawPli = false;
            RtcpCompound c = new RtcpCompound();
            for (int tries = 0; tries < 20 && !sawPli; tries++) {
                // repeated, because the SFU rate-limits keyframe requests per publisher stream
                n = RtcpWriter.pli(r, 0, 77, camSsrc);
                n = bobSub.out.protectRtcp(r, 0, n);
                bobSub.send(r, 0, n);
                byte[] fb = alicePub.nextRtcp(500);
                if (fb != null && c.wrap(fb, 0, fb.length)) {
                    for (int i = 0; i < c.count(); i++) {
                        sawPli |= c.type(i) == RtcpCompound.PSFB && c.fmt(i) == 1 && c.mediaSsrc(i) == 2222;
                    }
                }
            }
            assertThat(sawPli).as("PLI relayed to the publisher").isTrue();

            // audio flows, then a server mute stops it while video continues
            sendRtp(alicePub, 111, 10, 960, 1111, 4, "0", new byte[] {1, 2, 3});
            byte[] audio = bobSub.nextRtp(3000);
            assertThat(audio).isNotNull();
            alice.setSourceEnabled(TrackSource.MICROPHONE, false);
            Thread.sleep(100);
            bobSub.media.clear();
            sendRtp(alicePub, 111, 11, 1920, 1111, 4, "0", new byte[] {1, 2, 3});
            sendRtp(alicePub, 96, 505, 24000, 2222, 4, "1", vp8(false)); // a late packet is still forwarded
            byte[] next = bobSub.nextRtp(3000);
            assertThat(next).isNotNull();
            assertThat(p.wrap(next, 0, next.length)).isTrue();
            assertThat(p.ssrc()).as("only video after the mute").isEqualTo(camSsrc);
            assertThat(bobSub.nextRtp(300)).isNull();

            // hostile input: replayed SRTP, garbage from a stranger, a check with the wrong password
            byte[] b = new byte[200];
            int h = RtpHeaderWriter.write(b, 0, false, 96, 509, 36000, 2222, 0, 0, 0, -1);
            System.arraycopy(vp8(false), 0, b, h, 40);
            int len = alicePub.out.protectRtp(b, 0, h + 40, h);
            alicePub.send(b, 0, len);
            alicePub.send(b, 0, len);
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                stranger.send(new DatagramPacket(new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0}, 8, alicePub.sfu));
                stranger.send(new DatagramPacket(new byte[] {0, 1, 0, 0}, 4, alicePub.sfu));
            }
            alicePub.check(alicePub.sfu.getPort(), "pubU", find(answer, "a=ice-ufrag:(\\S+)"), "wrong-password", false);
            Thread.sleep(200);
            MediaStats stats = sfu.stats();
            assertThat(stats.drops()).containsKey("srtp-replay").containsKey("unknown-address").containsKey("rtx-duplicate")
                    .doesNotContainKey("srtp-index-reused");
            assertThat(stats.drops().get("stun-unauthorized")).isPositive();
            assertThat(stats.drops().get("stun-malformed")).isPositive();
            MediaStats.Participant bobStats = stats.participants().stream()
                    .filter(s -> s.id().equals("bob")).findFirst().orElseThrow();
            assertThat(bobStats.retransmissions()).isEqualTo(1);
            assertThat(bobStats.packetsOut()).isGreaterThanOrEqualTo(7);

            // alice leaves: bob is offered her sections as inactive
            alice.close();
            assertThat(bobEvents.offers).hasSize(2);
            assertThat(bobEvents.lastOffer()).doesNotContain("a=msid:alice").contains("a=inactive");
            assertThat(sfu.sessionCount()).isEqualTo(1);
            bob.close();
            assertThat(aliceEvents.states).contains(TransportState.CONNECTED, TransportState.CLOSED);
        }
    }

    static String simulcastOffer(String fingerprint) {
        return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
                "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=ice-ufrag:pubU",
                "a=ice-pwd:pubpwdpubpwdpubpwdpubpw", "a=fingerprint:sha-256 " + fingerprint, "a=setup:actpass",
                "a=mid:0", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "a=sendonly", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f", "");
    }

    /** A VP8 keyframe or interframe whose first payload byte after the frame header names the layer. */
    static byte[] layerFrame(boolean keyframe, int height, int layerTag) {
        byte[] p = vp8(keyframe);
        p[9] = (byte) height;
        p[10] = (byte) (height >> 8);
        p[20] = (byte) layerTag;
        return p;
    }

    static void sendSimulcast(FakePeer peer, int seq, long ts, long ssrc, String rid, byte[] payload) throws Exception {
        byte[] b = new byte[payload.length + 64];
        b[0] = (byte) 0x90;
        b[1] = 96;
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 4, ts);
        Bytes.put32(b, 8, ssrc);
        Bytes.put16(b, 12, 0xBEDE);
        Bytes.put16(b, 14, 2);
        b[16] = (byte) (4 << 4);
        b[17] = '0';
        b[18] = (byte) ((10 << 4) | 0);
        b[19] = (byte) rid.charAt(0);
        int h = 24;
        System.arraycopy(payload, 0, b, h, payload.length);
        int n = peer.out.protectRtp(b, 0, h + payload.length, h);
        peer.send(b, 0, n);
    }

    @Test
    void simulcastLayersSwitchOnKeyframesWithoutASequenceGapWhenTheSubscriberLowersItsMaxHeight() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer()) {
            Recorder subEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            String answer = alice.answerPublishOffer(simulcastOffer(pub.fingerprint()), Map.of("0", TrackSource.CAMERA));
            assertThat(answer).contains("a=simulcast:recv q;h;f");
            connect(pub, answer, "pubU");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connect(sub, offer, "subU");
            awaitConnected(subEvents);

            String[] rids = {"q", "h", "f"};
            int[] heights = {180, 360, 720};
            int seq = 1000;
            long ts = 0;
            RtpPacket p = new RtpPacket();
            // 1.2 s of all three layers, a keyframe on each every 5th frame: the SFU learns the layers
            for (int frame = 0; frame < 36; frame++, seq++, ts += 3000) {
                for (int l = 0; l < 3; l++) {
                    sendSimulcast(pub, seq, ts, 100 + l, rids[l], layerFrame(frame % 5 == 0, heights[l], l));
                }
                Thread.sleep(33);
            }
            sub.media.clear();
            String before = sfu.stats().participants().toString();
            bob.setVideoPreference(new MediaParticipantId("alice"), TrackSource.CAMERA, 360);
            int lastSeq = -1;
            int lastLayer = -1;
            StringBuilder seen = new StringBuilder();
            boolean switched = false;
            // start between keyframes, so the subscriber first sees the old layer's interframes
            for (int frame = 1; frame < 30 && !switched; frame++, seq++, ts += 3000) {
                for (int l = 0; l < 3; l++) {
                    sendSimulcast(pub, seq, ts, 100 + l, rids[l], layerFrame(frame % 5 == 0, heights[l], l));
                }
                byte[] got;
                while ((got = sub.nextRtp(100)) != null) {
                    assertThat(p.wrap(got, 0, got.length)).isTrue();
                    int layer = got[p.payloadOffset() + 20];
                    seen.append(layer);
                    if (lastSeq >= 0) {
                        assertThat(p.sequenceNumber()).as("no gap across the switch").isEqualTo((lastSeq + 1) & 0xFFFF);
                    }
                    if (lastLayer == 2 && layer == 1) {
                        switched = true;
                        assertThat(dev.porta.media.forward.Vp8.isKeyframeStart(got, p.payloadOffset(), p.payloadLength()))
                                .as("switch happens on a keyframe").isTrue();
                    }
                    lastSeq = p.sequenceNumber();
                    lastLayer = layer;
                }
            }
            assertThat(switched).as("switched from f (720) to h (360); layers seen " + seen + " before " + before).isTrue();
            assertThat(sfu.stats().participants().stream().filter(s -> s.id().equals("bob")).findFirst().orElseThrow()
                    .layers()).containsEntry("alice/camera", 360);
        }
    }

    @Test
    void aSubscriberWhoseFeedbackShowsHeavyLossIsMovedToALowerLayer() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer()) {
            Recorder subEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            String answer = alice.answerPublishOffer(simulcastOffer(pub.fingerprint()), Map.of("0", TrackSource.CAMERA));
            connect(pub, answer, "pubU");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connect(sub, offer, "subU");
            awaitConnected(subEvents);

            String[] rids = {"q", "h", "f"};
            int[] heights = {180, 360, 720};
            int[] sizes = {150, 500, 1100};
            RtpPacket p = new RtpPacket();
            long[] arrivals = new long[500];
            int baseTcc = -1;
            int received = 0;
            int fbCount = 0;
            long lastFeedback = System.currentTimeMillis();
            boolean sawTop = false;
            int layer = -1;
            for (int frame = 0; frame < 240 && !(sawTop && layer >= 0 && layer < 720); frame++) {
                for (int l = 0; l < 3; l++) {
                    byte[] payload = java.util.Arrays.copyOf(layerFrame(frame % 5 == 0, heights[l], l), sizes[l]);
                    sendSimulcast(pub, 2000 + frame, 3000L * frame, 100 + l, rids[l], payload);
                }
                byte[] got;
                while ((got = sub.nextRtp(5)) != null) {
                    if (p.wrap(got, 0, got.length)) {
                        int tcc = p.transportSequence(dev.porta.media.sdp.Extensions.SUBSCRIBE_TCC_ID);
                        if (tcc >= 0 && (baseTcc < 0 || ((tcc - baseTcc) & 0xFFFF) < arrivals.length)) {
                            if (baseTcc < 0) {
                                baseTcc = tcc;
                                java.util.Arrays.fill(arrivals, -1);
                            }
                            int i = (tcc - baseTcc) & 0xFFFF;
                            // a congested path: every other packet is reported lost
                            arrivals[i] = (i % 2 == 0) ? System.nanoTime() / 1000 : -1;
                            received = Math.max(received, i + 1);
                        }
                    }
                }
                if (System.currentTimeMillis() - lastFeedback >= 100 && received > 0) {
                    byte[] fb = new byte[1500];
                    int n = dev.porta.media.rtcp.TransportCcFeedback.write(fb, 0, 77, 0, baseTcc, arrivals, received, fbCount++);
                    if (n > 0) {
                        n = sub.out.protectRtcp(fb, 0, n);
                        sub.send(fb, 0, n);
                    }
                    baseTcc = -1;
                    received = 0;
                    lastFeedback = System.currentTimeMillis();
                }
                Integer h = sfu.stats().participants().stream().filter(s -> s.id().equals("bob")).findFirst()
                        .orElseThrow().layers().get("alice/camera");
                layer = h == null ? -1 : h;
                sawTop |= layer == 720;
                Thread.sleep(25);
            }
            assertThat(sawTop).as("started on the top layer").isTrue();
            assertThat(layer).as("moved down after loss feedback").isBetween(1, 360);
        }
    }

    static void sendAudioWithLevel(FakePeer peer, int seq, int level) throws Exception {
        byte[] b = new byte[100];
        b[0] = (byte) 0x90;
        b[1] = 111;
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 4, seq * 960L);
        Bytes.put32(b, 8, 1111);
        Bytes.put16(b, 12, 0xBEDE);
        Bytes.put16(b, 14, 1);
        b[16] = (byte) (4 << 4);
        b[17] = '0';
        b[18] = (byte) (1 << 4);
        b[19] = (byte) (0x80 | level);
        int n = peer.out.protectRtp(b, 0, 20 + 10, 20);
        peer.send(b, 0, n);
    }

    /** The camera SSRC a subscribe offer assigns to {@code participant}. */
    static long cameraSsrc(String offer, String participant) {
        for (String section : offer.split("(?=m=)")) {
            if (section.contains("a=msid:" + participant + " camera")) {
                return Long.parseLong(find(section, "a=ssrc-group:FID (\\d+)"));
            }
        }
        return -1;
    }

    @Test
    void withLastNOfOneASubscriberReceivesOnlyTheCameraOfWhoeverSpokeLast() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer alicePub = new FakePeer(); FakePeer carolPub = new FakePeer(); FakePeer bobSub = new FakePeer()) {
            Recorder bobEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new Recorder());
            MediaSession carol = sfu.open(ROOM, new MediaParticipantId("carol"), new Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), bobEvents);
            bob.setLastN(1);
            Map<String, TrackSource> sources = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);
            connect(alicePub, alice.answerPublishOffer(publishOffer(alicePub.fingerprint()), sources), "pubU");
            String firstOffer = bobEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(firstOffer, bobSub.fingerprint()));
            connect(carolPub, carol.answerPublishOffer(publishOffer(carolPub.fingerprint()), sources), "pubU");
            String offer = bobEvents.lastOffer();
            assertThat(offer).isNotEqualTo(firstOffer).contains("a=msid:carol camera");
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, bobSub.fingerprint()));
            connect(bobSub, offer, "subU");
            awaitConnected(bobEvents);
            long aliceCam = cameraSsrc(offer, "alice");
            long carolCam = cameraSsrc(offer, "carol");

            RtpPacket p = new RtpPacket();
            java.util.Set<Long> lateSsrcs = new java.util.HashSet<>();
            for (int frame = 0; frame < 60; frame++) {
                sendRtp(alicePub, 96, 100 + frame, 3000L * frame, 2222, 4, "1", vp8(frame % 5 == 0));
                sendRtp(carolPub, 96, 100 + frame, 3000L * frame, 2222, 4, "1", vp8(frame % 5 == 0));
                sendAudioWithLevel(carolPub, 100 + frame, 10);
                sendAudioWithLevel(alicePub, 100 + frame, 127);
                Thread.sleep(30);
                byte[] got;
                while ((got = bobSub.nextRtp(1)) != null) {
                    if (frame >= 45 && p.wrap(got, 0, got.length) && p.payloadType() == 96) {
                        lateSsrcs.add(p.ssrc());
                    }
                }
            }
            assertThat(lateSsrcs).as("only carol's camera once she has spoken").containsExactly(carolCam);
            assertThat(aliceCam).isNotEqualTo(carolCam);
        }
    }

    @Test
    void anUnansweredSubscribeOfferIsOfferedAgainAndAPinnedCameraIsAddedToLastN() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0).withLastN(0), clock);
             FakePeer alicePub = new FakePeer(); FakePeer bobSub = new FakePeer()) {
            Recorder bobEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), bobEvents);
            connect(alicePub, alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA)), "pubU");
            assertThat(bobEvents.offers).hasSize(1);
            clock.advance(Duration.ofSeconds(11));
            long end = System.currentTimeMillis() + 3000;
            while (bobEvents.offers.size() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            assertThat(bobEvents.offers).as("offered again").hasSize(2);
            String offer = bobEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, bobSub.fingerprint()));
            connect(bobSub, offer, "subU");
            awaitConnected(bobEvents);
            long cam = cameraSsrc(offer, "alice");

            // last-N is 0: no camera at all, until bob pins alice
            RtpPacket p = new RtpPacket();
            sendRtp(alicePub, 96, 1, 0, 2222, 4, "1", vp8(true));
            assertThat(bobSub.nextRtp(300)).isNull();
            bob.setPinned(Set.of(new MediaParticipantId("alice")));
            Thread.sleep(50);
            sendRtp(alicePub, 96, 2, 3000, 2222, 4, "1", vp8(true));
            byte[] got = bobSub.nextRtp(2000);
            assertThat(got).isNotNull();
            assertThat(p.wrap(got, 0, got.length)).isTrue();
            assertThat(p.ssrc()).isEqualTo(cam);
        }
    }

    @Test
    void aPeerWhoseCertificateDoesNotMatchItsSdpFailsAloneAndGarbageDtlsIsSurvived() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer liar = new FakePeer(); FakePeer honest = new FakePeer(); FakePeer other = new FakePeer()) {
            Recorder liarEvents = new Recorder();
            Recorder honestEvents = new Recorder();
            MediaSession liarSession = sfu.open(ROOM, new MediaParticipantId("liar"), liarEvents);
            MediaSession honestSession = sfu.open(ROOM, new MediaParticipantId("honest"), honestEvents);
            Map<String, TrackSource> sources = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);
            // the liar's SDP carries someone else's fingerprint
            String answer = liarSession.answerPublishOffer(publishOffer(other.fingerprint()), sources);
            String ufrag = find(answer, "a=ice-ufrag:(\\S+)");
            String pwd = find(answer, "a=ice-pwd:(\\S+)");
            liar.check(Integer.parseInt(find(answer, "127\\.0\\.0\\.1 (\\d+) typ host")), "pubU", ufrag, pwd, true);
            // garbage in the DTLS range first: Bouncy Castle must shrug it off
            liar.send(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99, 1, 2}, 0, 15);
            try {
                liar.handshake(find(answer, "a=fingerprint:sha-256 (\\S+)"));
            } catch (java.io.IOException expected) {
                // the SFU refuses the certificate
            }
            long end = System.currentTimeMillis() + 5000;
            while (!liarEvents.states.contains(TransportState.FAILED) && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertThat(liarEvents.states).contains(TransportState.FAILED).doesNotContain(TransportState.CONNECTED);

            // someone honest in the same room is not disturbed
            connect(honest, honestSession.answerPublishOffer(publishOffer(honest.fingerprint()), sources), "pubU");
            awaitConnected(honestEvents);
            assertThat(sfu.sessionCount()).isEqualTo(2);
        }
    }

    @Test
    void withTwoMediaLoopsRoomsLiveOnDifferentPortsAndBothForward() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0).withLoops(2), Clock.systemUTC())) {
            // two rooms whose ids hash to different loops
            MediaRoomId first = new MediaRoomId("room-0");
            MediaRoomId second = null;
            for (int i = 1; second == null; i++) {
                MediaRoomId r = new MediaRoomId("room-" + i);
                if (Math.floorMod(r.value().hashCode(), 2) != Math.floorMod(first.value().hashCode(), 2)) {
                    second = r;
                }
            }
            java.util.Set<String> ports = new java.util.HashSet<>();
            for (MediaRoomId room : List.of(first, second)) {
                try (FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer()) {
                    Recorder subEvents = new Recorder();
                    MediaSession alice = sfu.open(room, new MediaParticipantId("alice"), new Recorder());
                    MediaSession bob = sfu.open(room, new MediaParticipantId("bob"), subEvents);
                    String answer = alice.answerPublishOffer(publishOffer(pub.fingerprint()),
                            Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
                    ports.add(find(answer, "127\\.0\\.0\\.1 (\\d+) typ host"));
                    connect(pub, answer, "pubU");
                    String offer = subEvents.lastOffer();
                    bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
                    connect(sub, offer, "subU");
                    awaitConnected(subEvents);
                    sendRtp(pub, 96, 1, 0, 2222, 4, "1", vp8(true));
                    assertThat(sub.nextRtp(3000)).as("forwarded in " + room.value()).isNotNull();
                }
            }
            assertThat(ports).hasSize(2);
            assertThat(sfu.sessionCount()).isEqualTo(4);
            assertThat(sfu.stats().participants()).hasSize(4);
        }
    }

    @Test
    void anH264OnlyPublisherIsForwardedFromItsFirstIdr() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer()) {
            Recorder subEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            String offer264 = publishOffer(pub.fingerprint()).replace("a=rtpmap:96 VP8/90000",
                    "a=rtpmap:96 H264/90000\r\na=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
            connect(pub, alice.answerPublishOffer(offer264, Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA)), "pubU");
            String offer = subEvents.lastOffer();
            assertThat(offer).contains("a=rtpmap:102 H264/90000");
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connect(sub, offer, "subU");
            awaitConnected(subEvents);
            sendRtp(pub, 96, 1, 0, 2222, 4, "1", new byte[] {0x41, 1, 2, 3}); // P-slice: waits for an IDR
            sendRtp(pub, 96, 2, 3000, 2222, 4, "1", new byte[] {0x65, 1, 2, 3});
            byte[] got = sub.nextRtp(3000);
            assertThat(got).isNotNull();
            RtpPacket p = new RtpPacket();
            assertThat(p.wrap(got, 0, got.length)).isTrue();
            assertThat(p.payloadType()).isEqualTo(102);
            assertThat(got[p.payloadOffset()]).isEqualTo((byte) 0x65);
        }
    }

    @Test
    void aPublisherWhosePathMovesIsAskedForAKeyframeAtOnceOnItsNewAddress() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer alicePub = new FakePeer(); FakePeer bobSub = new FakePeer()) {
            Recorder aliceEvents = new Recorder();
            Recorder bobEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), aliceEvents);
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), bobEvents);
            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            String offer = bobEvents.lastOffer();
            connect(alicePub, answer, "pubU");
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, bobSub.fingerprint()));
            connect(bobSub, offer, "subU");
            awaitConnected(aliceEvents);
            awaitConnected(bobEvents);
            for (int i = 0; i < 5; i++) {
                sendRtp(alicePub, 96, 500 + i, 9000 + 3000L * i, 2222, 4, "1", vp8(i == 0));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(bobSub.nextRtp(3000)).as("video packet " + i).isNotNull();
            }
            // the keyframe requests of the start are answered and past the SFU's rate limit (300 ms)
            Thread.sleep(400);
            for (int i = 0; i < 20 && alicePub.nextRtcp(200) != null; i++) {
                // drained
            }

            alicePub.moveToNewPort();
            int port = Integer.parseInt(find(answer, "127\\.0\\.0\\.1 (\\d+) typ host"));
            StunMessage moved = alicePub.check(port, "pubU", find(answer, "a=ice-ufrag:(\\S+)"), find(answer, "a=ice-pwd:(\\S+)"), true);
            assertThat(moved).as("the SFU answers the check from the new address").isNotNull();
            assertThat(moved.xorMappedAddress().getPort()).isEqualTo(alicePub.localPort());

            boolean sawPli = false;
            RtcpCompound c = new RtcpCompound();
            long end = System.currentTimeMillis() + 1000;
            while (!sawPli && System.currentTimeMillis() < end) {
                byte[] fb = alicePub.nextRtcp(200);
                if (fb != null && c.wrap(fb, 0, fb.length)) {
                    for (int i = 0; i < c.count(); i++) {
                        sawPli |= c.type(i) == RtcpCompound.PSFB && c.fmt(i) == 1 && c.mediaSsrc(i) == 2222;
                    }
                }
            }
            assertThat(sawPli).as("a keyframe request for the camera reaches the publisher's new address unasked").isTrue();
        }
    }

    @Test
    void mediaFromAPathTheBrowserCheckedButHasNotNominatedYetMovesTheTransportThere() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer alicePub = new FakePeer(); FakePeer bobSub = new FakePeer()) {
            Recorder aliceEvents = new Recorder();
            Recorder bobEvents = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), aliceEvents);
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), bobEvents);
            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            String offer = bobEvents.lastOffer();
            connect(alicePub, answer, "pubU");
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, bobSub.fingerprint()));
            connect(bobSub, offer, "subU");
            awaitConnected(aliceEvents);
            awaitConnected(bobEvents);
            sendRtp(alicePub, 96, 500, 9000, 2222, 4, "1", vp8(true));
            assertThat(bobSub.nextRtp(3000)).as("video before the move").isNotNull();
            // the keyframe requests of the start are past the SFU's rate limit (300 ms)
            Thread.sleep(400);
            for (int i = 0; i < 20 && alicePub.nextRtcp(200) != null; i++) {
                // drained
            }
            int port = Integer.parseInt(find(answer, "127\\.0\\.0\\.1 (\\d+) typ host"));
            String ufrag = find(answer, "a=ice-ufrag:(\\S+)");
            String pwd = find(answer, "a=ice-pwd:(\\S+)");

            // the browser's network changed: a check without nomination from its new address, then media
            alicePub.moveToNewPort();
            assertThat(alicePub.check(port, "pubU", ufrag, pwd, false)).as("the check from the new address is answered").isNotNull();
            // SRTP-shaped bytes that do not authenticate (what a spoofer of that address could send) move nothing
            long authFailuresBefore = sfu.stats().drops().getOrDefault("srtp-auth", 0L);
            byte[] forged = new byte[60];
            new java.util.Random(7).nextBytes(forged);
            forged[0] = (byte) 0x80;
            forged[1] = 96;
            alicePub.send(forged, 0, forged.length);
            awaitDrop(sfu, "srtp-auth", authFailuresBefore + 1);
            assertThat(alicePub.nextRtcp(500)).as("nothing is sent to the new address before authenticated media").isNull();
            sendRtp(alicePub, 96, 501, 12000, 2222, 4, "1", vp8(false));
            assertThat(bobSub.nextRtp(3000)).as("video sent from the new address reaches the subscriber").isNotNull();

            boolean sawPli = false;
            RtcpCompound c = new RtcpCompound();
            long end = System.currentTimeMillis() + 1000;
            while (!sawPli && System.currentTimeMillis() < end) {
                byte[] fb = alicePub.nextRtcp(200);
                if (fb != null && c.wrap(fb, 0, fb.length)) {
                    for (int i = 0; i < c.count(); i++) {
                        sawPli |= c.type(i) == RtcpCompound.PSFB && c.fmt(i) == 1 && c.mediaSsrc(i) == 2222;
                    }
                }
            }
            assertThat(sawPli).as("the SFU now sends to the new address (a keyframe request for the moved path)").isTrue();
        }
    }

    /** Waits (at most 3 s) until the SFU has counted {@code atLeast} drops of {@code reason}. */
    private static void awaitDrop(Sfu sfu, String reason, long atLeast) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        while (sfu.stats().drops().getOrDefault(reason, 0L) < atLeast) {
            assertThat(System.currentTimeMillis()).as("the SFU drops a packet as " + reason).isLessThan(end);
            Thread.sleep(20);
        }
    }

    @Test
    void aPublisherThatRestartsIceGetsNewCredentialsAndTheOldOnesStopWorking() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC()); FakePeer pub = new FakePeer()) {
            Recorder events = new Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), events);
            Map<String, TrackSource> sources = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);
            String first = alice.answerPublishOffer(publishOffer(pub.fingerprint()), sources);
            connect(pub, first, "pubU");
            awaitConnected(events);
            String same = alice.answerPublishOffer(publishOffer(pub.fingerprint()), sources);
            assertThat(find(same, "a=ice-ufrag:(\\S+)")).as("no restart without a new remote ufrag")
                    .isEqualTo(find(first, "a=ice-ufrag:(\\S+)"));
            String restarted = alice.answerPublishOffer(publishOffer(pub.fingerprint())
                    .replace("a=ice-ufrag:pubU", "a=ice-ufrag:pubV"), sources);
            String ufrag = find(restarted, "a=ice-ufrag:(\\S+)");
            assertThat(ufrag).isNotEqualTo(find(first, "a=ice-ufrag:(\\S+)"));
            int port = pub.sfu.getPort();
            assertThat(pub.check(port, "pubV", ufrag, find(restarted, "a=ice-pwd:(\\S+)"), true)).isNotNull();
            assertThat(pub.check(port, "pubU", find(first, "a=ice-ufrag:(\\S+)"), find(first, "a=ice-pwd:(\\S+)"), true))
                    .as("old credentials are refused").isNull();
            assertThat(events.states).doesNotContain(TransportState.FAILED);
            assertThat(sfu.stats().ice()).containsEntry("ice-restarts", 1L).containsEntry("consent-failures", 0L);
        }
    }

    @Test
    void aTransportWithoutConsentChecksFailsOnTheInjectedClock() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), clock); FakePeer pub = new FakePeer()) {
            Recorder events = new Recorder();
            MediaSession s = sfu.open(ROOM, new MediaParticipantId("carol"), events);
            String answer = s.answerPublishOffer(publishOffer(pub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            connect(pub, answer, "pubU");
            long end = System.currentTimeMillis() + 3000;
            while (!events.states.contains(TransportState.CONNECTED) && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertThat(events.states).contains(TransportState.CONNECTED);
            clock.advance(Duration.ofSeconds(31));
            end = System.currentTimeMillis() + 3000;
            while (!events.states.contains(TransportState.FAILED) && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertThat(events.states).endsWith(TransportState.FAILED);
            assertThat(sfu.stats().ice()).containsEntry("consent-failures", 1L);
        }
    }
}
