// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static dev.porta.media.loopback.SfuLoopbackTest.ROOM;
import static dev.porta.media.loopback.SfuLoopbackTest.awaitConnected;
import static dev.porta.media.loopback.SfuLoopbackTest.connect;
import static dev.porta.media.loopback.SfuLoopbackTest.find;
import static dev.porta.media.loopback.SfuLoopbackTest.publishOffer;
import static dev.porta.media.loopback.SfuLoopbackTest.sendRtp;
import static dev.porta.media.loopback.SfuLoopbackTest.subscribeAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.stun.StunMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Review finding L2 end to end: someone who captures a subscriber's nominating ICE check and sends it
 * again from another port must not receive that subscriber's media, while a real network change (a
 * new check with new transaction id, valid integrity and USE-CANDIDATE from a new address) still
 * moves it.
 */
class IceReplayLoopbackTest {
    private static final Map<String, TrackSource> SOURCES = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);

    @Test
    void aSubscribersNominatingCheckReplayedFromAnotherPortDoesNotDivertItsMedia() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            join(sfu, pub, sub);
            byte[] captured = sub.lastCheck;
            for (int i = 0; i < 5; i++) {
                attacker.send(new DatagramPacket(captured, captured.length, sub.sfu));
            }
            awaitDrop(sfu, "stun-replayed", 5);

            sendRtp(pub, 111, 10, 960, 1111, 4, "0", new byte[] {1, 2, 3});
            assertThat(sub.nextRtp(3000)).as("media still reaches the subscriber").isNotNull();
            attacker.setSoTimeout(500);
            DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
            assertThatThrownBy(() -> attacker.receive(got)).as("neither a STUN answer nor media reaches the replayer")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aFreshNominationFromANewAddressMovesTheSubscribersMedia() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer();
             DatagramSocket moved = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            String offer = join(sfu, pub, sub);
            moved.setSoTimeout(3000);
            byte[] check = FakePeer.checkBytes("subU", find(offer, "a=ice-ufrag:(\\S+)"),
                    find(offer, "a=ice-pwd:(\\S+)"), true);
            moved.send(new DatagramPacket(check, check.length, sub.sfu));
            byte[] buf = new byte[2048];
            DatagramPacket got = new DatagramPacket(buf, buf.length);
            moved.receive(got);
            StunMessage answer = StunMessage.parse(buf, 0, got.getLength());
            assertThat(answer).isNotNull();
            assertThat(answer.type()).isEqualTo(StunMessage.BINDING_SUCCESS);

            sendRtp(pub, 111, 10, 960, 1111, 4, "0", new byte[] {1, 2, 3});
            byte[] rtp = null;
            while (rtp == null) { // skip RTCP (sender reports) until the audio packet arrives
                got = new DatagramPacket(buf, buf.length);
                moved.receive(got);
                int pt = buf[1] & 0xFF;
                if ((buf[0] & 0xC0) == 0x80 && (pt < 192 || pt > 223)) {
                    rtp = Arrays.copyOf(buf, got.getLength());
                }
            }
            int n = sub.in.unprotectRtp(rtp, 0, rtp.length, RtpPacket.headerLength(rtp, 0, rtp.length));
            assertThat(n).as("the subscriber's media now goes to its new address").isPositive();
        }
    }

    @Test
    void aSubscriberThatRestartsIceGetsNewCredentialsAndMediaMovesOnlyAfterACheckWithThem() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             FakePeer pub = new FakePeer(); FakePeer sub = new FakePeer();
             DatagramSocket moved = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            SfuLoopbackTest.Recorder subEvents = new SfuLoopbackTest.Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            connect(pub, alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES), "pubU");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connect(sub, offer, "subU");
            awaitConnected(subEvents);

            bob.restartSubscribeIce();
            long end = System.currentTimeMillis() + 3000;
            while (subEvents.offers.size() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            assertThat(subEvents.offers).as("a fresh offer").hasSize(2);
            String fresh = subEvents.lastOffer();
            assertThat(find(fresh, "a=ice-ufrag:(\\S+)")).isNotEqualTo(find(offer, "a=ice-ufrag:(\\S+)"));
            bob.acceptSubscribeAnswer(subscribeAnswer(fresh, sub.fingerprint()));

            // from the new network: the old credentials are refused and media stays where it was
            moved.setSoTimeout(500);
            byte[] old = FakePeer.checkBytes("subU", find(offer, "a=ice-ufrag:(\\S+)"), find(offer, "a=ice-pwd:(\\S+)"), true);
            moved.send(new DatagramPacket(old, old.length, sub.sfu));
            byte[] buf = new byte[2048];
            assertThatThrownBy(() -> moved.receive(new DatagramPacket(buf, buf.length))).as("old credentials are refused")
                    .isInstanceOf(SocketTimeoutException.class);
            // a valid check with the new credentials moves it
            moved.setSoTimeout(3000);
            byte[] check = FakePeer.checkBytes("subU", find(fresh, "a=ice-ufrag:(\\S+)"), find(fresh, "a=ice-pwd:(\\S+)"), true);
            moved.send(new DatagramPacket(check, check.length, sub.sfu));
            DatagramPacket got = new DatagramPacket(buf, buf.length);
            moved.receive(got);
            assertThat(StunMessage.parse(buf, 0, got.getLength()).type()).isEqualTo(StunMessage.BINDING_SUCCESS);
            sendRtp(pub, 111, 10, 960, 1111, 4, "0", new byte[] {1, 2, 3});
            byte[] rtp = null;
            while (rtp == null) {
                got = new DatagramPacket(buf, buf.length);
                moved.receive(got);
                int pt = buf[1] & 0xFF;
                if ((buf[0] & 0xC0) == 0x80 && (pt < 192 || pt > 223)) {
                    rtp = Arrays.copyOf(buf, got.getLength());
                }
            }
            assertThat(sub.in.unprotectRtp(rtp, 0, rtp.length, RtpPacket.headerLength(rtp, 0, rtp.length)))
                    .as("media follows the restarted path, same DTLS keys").isPositive();
            assertThat(sfu.stats().ice()).containsEntry("ice-restarts", 1L);
        }
    }

    /** Alice publishes audio and camera, Bob subscribes; returns Bob's subscribe offer. */
    private static String join(Sfu sfu, FakePeer pub, FakePeer sub) throws Exception {
        SfuLoopbackTest.Recorder subEvents = new SfuLoopbackTest.Recorder();
        MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
        MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
        connect(pub, alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES), "pubU");
        String offer = subEvents.lastOffer();
        bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
        connect(sub, offer, "subU");
        awaitConnected(subEvents);
        return offer;
    }

    private static void awaitDrop(Sfu sfu, String reason, long count) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        while (sfu.stats().drops().getOrDefault(reason, 0L) < count && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(sfu.stats().drops().get(reason)).isEqualTo(count);
    }
}
