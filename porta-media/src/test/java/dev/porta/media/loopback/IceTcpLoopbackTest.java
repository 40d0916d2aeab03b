// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static dev.porta.media.loopback.SfuLoopbackTest.ROOM;
import static dev.porta.media.loopback.SfuLoopbackTest.awaitConnected;
import static dev.porta.media.loopback.SfuLoopbackTest.find;
import static dev.porta.media.loopback.SfuLoopbackTest.publishOffer;
import static dev.porta.media.loopback.SfuLoopbackTest.sendRtp;
import static dev.porta.media.loopback.SfuLoopbackTest.subscribeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.IceTcpLimits;
import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import dev.porta.media.stun.StunMessage;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ICE over TCP (RFC 6544 passive candidates, RFC 4571 framing): media flows between the SFU and a peer
 * that reaches it only over TCP, next to peers on UDP; hostile TCP input (bad framing, huge lengths,
 * slow-loris, connection floods, STUN floods) is refused, counted and bounded while the meeting carries on.
 */
class IceTcpLoopbackTest {
    private static final Map<String, TrackSource> SOURCES = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);

    private static MediaConfig tcpConfig() {
        return MediaConfig.defaults().withPort(0).withTcpPort(0)
                .withTcpLimits(new IceTcpLimits(2048, Duration.ofMillis(600), 8, 4, 64, 262_144));
    }

    /** ICE check, DTLS and SRTP to the SFU candidate of {@code protocol} on 127.0.0.1. */
    static void connectVia(FakePeer peer, String sdp, String localUfrag, String protocol) throws Exception {
        connectVia(peer, sdp, localUfrag, protocol, "127.0.0.1");
    }

    /** The same to the candidate on {@code host}. */
    static void connectVia(FakePeer peer, String sdp, String localUfrag, String protocol, String host) throws Exception {
        int port = Integer.parseInt(find(sdp, protocol + " \\d+ " + java.util.regex.Pattern.quote(host) + " (\\d+) typ host"));
        String ufrag = find(sdp, "a=ice-ufrag:(\\S+)");
        String pwd = find(sdp, "a=ice-pwd:(\\S+)");
        StunMessage r = peer.check(port, localUfrag, ufrag, pwd, true);
        assertThat(r).as("binding response over " + protocol).isNotNull();
        assertThat(r.verifyIntegrity(pwd.getBytes(StandardCharsets.US_ASCII))).isTrue();
        peer.handshake(find(sdp, "a=fingerprint:sha-256 (\\S+)"));
    }

    @Test
    void theAnswerOffersPassiveTcpCandidatesBelowEveryUdpCandidate() throws Exception {
        try (Sfu sfu = new Sfu(tcpConfig(), Clock.systemUTC()); FakePeer pub = new FakePeer()) {
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            String answer = alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES);
            assertThat(answer).contains("127.0.0.1 " + sfu.port() + " typ host\r\n")
                    .contains(" 1 tcp ").contains("127.0.0.1 " + sfu.tcpPort() + " typ host tcptype passive\r\n");
            long udp = Long.parseLong(find(answer, "a=candidate:\\d+ 1 udp (\\d+) "));
            long tcp = Long.parseLong(find(answer, "a=candidate:\\d+ 1 tcp (\\d+) "));
            assertThat(tcp).as("TCP is the fallback").isLessThan(udp);
        }
    }

    @Test
    void mediaFlowsBetweenATcpPublisherAndAUdpSubscriberAndBack() throws Exception {
        try (Sfu sfu = new Sfu(tcpConfig(), Clock.systemUTC());
             FakePeer pub = FakePeer.overTcp("127.0.0.1"); FakePeer sub = new FakePeer();
             FakePeer tcpSub = FakePeer.overTcp("127.0.0.1")) {
            SfuLoopbackTest.Recorder subEvents = new SfuLoopbackTest.Recorder();
            SfuLoopbackTest.Recorder tcpSubEvents = new SfuLoopbackTest.Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            MediaSession carol = sfu.open(ROOM, new MediaParticipantId("carol"), tcpSubEvents);
            connectVia(pub, alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES), "pubU", "tcp");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connectVia(sub, offer, "subU", "udp");
            String tcpOffer = tcpSubEvents.lastOffer();
            carol.acceptSubscribeAnswer(subscribeAnswer(tcpOffer, tcpSub.fingerprint()));
            connectVia(tcpSub, tcpOffer, "subU", "tcp");
            awaitConnected(subEvents);
            awaitConnected(tcpSubEvents);

            for (int i = 0; i < 20; i++) {
                sendRtp(pub, 111, 10 + i, 960L * i, 1111, 4, "0", new byte[] {1, 2, 3, (byte) i});
            }
            assertThat(sub.nextRtp(3000)).as("TCP publisher -> UDP subscriber").isNotNull();
            assertThat(tcpSub.nextRtp(3000)).as("TCP publisher -> TCP subscriber").isNotNull();
            assertThat(sfu.stats().tcp()).containsEntry("accepted", 2L);
            assertThat(sfu.stats().participantsByTransport()).as("alice and carol over TCP, bob over UDP")
                    .containsEntry("tcp", 2L).containsEntry("udp", 1L).containsEntry("relay", 0L);
        }
    }

    @Test
    void malformedFramesHugeLengthsSlowLorisAndFloodsAreRefusedWhileTheMeetingCarriesOn() throws Exception {
        try (Sfu sfu = new Sfu(tcpConfig(), Clock.systemUTC());
             FakePeer pub = FakePeer.overTcp("127.0.0.1"); FakePeer sub = new FakePeer()) {
            SfuLoopbackTest.Recorder subEvents = new SfuLoopbackTest.Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            connectVia(pub, alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES), "pubU", "tcp");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connectVia(sub, offer, "subU", "udp");
            awaitConnected(subEvents);
            InetSocketAddress tcp = new InetSocketAddress("127.0.0.1", sfu.tcpPort());

            // a length beyond any media packet, a zero length, and media bytes before any ICE check
            try (Socket huge = new Socket(); Socket zero = new Socket(); Socket noCheck = new Socket()) {
                huge.connect(tcp);
                huge.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 1, 0, 0});
                zero.connect(tcp);
                zero.getOutputStream().write(new byte[] {0, 0});
                noCheck.connect(tcp);
                noCheck.getOutputStream().write(new byte[] {0, 4, (byte) 0x80, 0, 0, 1});
                assertClosedByTheSfu(huge);
                assertClosedByTheSfu(zero);
                assertClosedByTheSfu(noCheck);
            }
            // a STUN flood without valid credentials: a few tries, then the connection is gone
            try (Socket flood = new Socket()) {
                flood.connect(tcp);
                byte[] bogus = FakePeer.checkBytes("x", "nobody", "wrongpasswordwrongpassw", false);
                try {
                    for (int i = 0; i < 50; i++) {
                        flood.getOutputStream().write(new byte[] {(byte) (bogus.length >>> 8), (byte) bogus.length});
                        flood.getOutputStream().write(bogus);
                    }
                } catch (java.io.IOException e) {
                    // the SFU closed it mid-flood
                }
                assertClosedByTheSfu(flood);
            }
            // slow-loris: half a frame, then nothing
            try (Socket loris = new Socket()) {
                loris.connect(tcp);
                loris.getOutputStream().write(new byte[] {0, 100, 0, 1});
                assertClosedByTheSfu(loris);
            }
            // more connections from one address than allowed (4, one taken by the publisher)
            List<Socket> many = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    s.connect(tcp);
                    many.add(s);
                }
                awaitCount(sfu, "refused-address-limit", 5);
            } finally {
                for (Socket s : many) {
                    s.close();
                }
            }

            Map<String, Long> tcpCounts = sfu.stats().tcp();
            assertThat(tcpCounts.get("frame-invalid")).as("huge and zero lengths").isEqualTo(2L);
            assertThat(tcpCounts.get("unauthenticated")).as("media before a check, STUN flood").isEqualTo(2L);
            assertThat(tcpCounts.get("handshake-timeout")).as("slow-loris").isGreaterThanOrEqualTo(1L);
            // the publisher's connection survived all of it and its media still arrives
            for (int i = 0; i < 20; i++) {
                sendRtp(pub, 111, 100 + i, 960L * i, 1111, 4, "0", new byte[] {9, 9, (byte) i});
            }
            assertThat(sub.nextRtp(3000)).as("the meeting carries on").isNotNull();
        }
    }

    /** Reads until the SFU closes the connection (end of stream or reset); fails if it stays open. */
    private static void assertClosedByTheSfu(Socket s) throws Exception {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        boolean closed;
        try {
            closed = in.read(new byte[4096]) < 0 || in.read(new byte[4096]) < 0;
        } catch (java.net.SocketTimeoutException e) {
            closed = false;
        } catch (java.io.IOException e) {
            closed = true; // reset
        }
        assertThat(closed).as("the SFU closed the connection").isTrue();
    }

    private static void awaitCount(Sfu sfu, String reason, long atLeast) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        while (sfu.stats().tcp().getOrDefault(reason, 0L) < atLeast && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(sfu.stats().tcp().getOrDefault(reason, 0L)).isGreaterThanOrEqualTo(atLeast);
    }
}
