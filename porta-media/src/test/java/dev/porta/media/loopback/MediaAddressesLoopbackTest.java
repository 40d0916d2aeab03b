// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static dev.porta.media.loopback.IceTcpLoopbackTest.connectVia;
import static dev.porta.media.loopback.SfuLoopbackTest.ROOM;
import static dev.porta.media.loopback.SfuLoopbackTest.awaitConnected;
import static dev.porta.media.loopback.SfuLoopbackTest.publishOffer;
import static dev.porta.media.loopback.SfuLoopbackTest.sendRtp;
import static dev.porta.media.loopback.SfuLoopbackTest.subscribeAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.ConfigException;
import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Media addresses: one socket per bind address (IPv4 and IPv6) with a host candidate for each, a 1:1 NAT
 * public address announced beside them, and a taken port refused with one line naming the key.
 */
class MediaAddressesLoopbackTest {
    private static final Map<String, TrackSource> SOURCES = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);

    @Test
    void anSfuBoundToIpv4AndIpv6AnnouncesAHostCandidateForEachAndCarriesMediaOnBoth() throws Exception {
        MediaConfig config = MediaConfig.defaults().withPort(0).withTcpPort(0)
                .withAddresses(List.of("127.0.0.1", "::1"), List.of(), List.of());
        try (Sfu sfu = new Sfu(config, Clock.systemUTC());
             FakePeer pub = new FakePeer("::1"); FakePeer sub = new FakePeer("127.0.0.1")) {
            SfuLoopbackTest.Recorder subEvents = new SfuLoopbackTest.Recorder();
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            MediaSession bob = sfu.open(ROOM, new MediaParticipantId("bob"), subEvents);
            String answer = alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES);
            int port = sfu.port();
            int tcp = sfu.tcpPort();
            assertThat(answer).contains("udp 2130706431 127.0.0.1 " + port + " typ host\r\n",
                    "udp 2130706430 ::1 " + port + " typ host\r\n",
                    "127.0.0.1 " + tcp + " typ host tcptype passive\r\n", "::1 " + tcp + " typ host tcptype passive\r\n");
            connectVia(pub, answer, "pubU", "udp", "::1");
            String offer = subEvents.lastOffer();
            bob.acceptSubscribeAnswer(subscribeAnswer(offer, sub.fingerprint()));
            connectVia(sub, offer, "subU", "udp", "127.0.0.1");
            awaitConnected(subEvents);
            for (int i = 0; i < 10; i++) {
                sendRtp(pub, 111, 10 + i, 960L * i, 1111, 4, "0", new byte[] {1, 2, (byte) i});
            }
            assertThat(sub.nextRtp(3000)).as("IPv6 publisher -> IPv4 subscriber").isNotNull();
        }
    }

    @Test
    void aOneToOneNatPublicAddressIsAnnouncedBesideTheHostCandidates() throws Exception {
        MediaConfig config = MediaConfig.defaults().withPort(0).withTcpPort(0)
                .withAddresses(List.of("127.0.0.1"), List.of("127.0.0.1"), List.of("203.0.113.7"));
        try (Sfu sfu = new Sfu(config, Clock.systemUTC()); FakePeer pub = new FakePeer()) {
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            String answer = alice.answerPublishOffer(publishOffer(pub.fingerprint()), SOURCES);
            int port = sfu.port();
            assertThat(answer).contains("127.0.0.1 " + port + " typ host\r\n",
                    "udp 1694498815 203.0.113.7 " + port + " typ srflx raddr 127.0.0.1 rport " + port + "\r\n",
                    "203.0.113.7 " + sfu.tcpPort() + " typ srflx raddr 127.0.0.1 rport " + sfu.tcpPort() + " tcptype passive\r\n");
        }
    }

    @Test
    void aTakenMediaUdpPortStopsStartUpWithOneLineNamingTheKey() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new Sfu(MediaConfig.defaults().withPort(port), Clock.systemUTC()).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("media.port").hasMessageContaining("UDP port " + port + " on 127.0.0.1")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aTakenIceTcpPortStopsStartUpWithOneLineNamingTheKeyAndFreesTheUdpPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new Sfu(MediaConfig.defaults().withPort(0).withTcpPort(port), Clock.systemUTC()).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("media.tcp-port").hasMessageContaining("TCP port " + port)
                    .hasMessageNotContaining("\n");
        }
    }
}
