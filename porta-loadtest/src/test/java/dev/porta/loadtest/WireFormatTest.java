// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.sdp.Extensions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    static final String OFFER = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0 1", "a=ice-lite",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 127.0.0.1", "a=mid:0", "a=ice-ufrag:abcd",
            "a=ice-pwd:pwdpwdpwdpwdpwdpwdpwdpwd", "a=fingerprint:sha-256 AA:BB", "a=setup:actpass",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=sendonly", "a=ssrc:5 cname:x",
            "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 127.0.0.1", "a=mid:1", "a=inactive", "a=rtpmap:96 VP8/90000", "");

    @Test
    void aSubscribeAnswerAcceptsActiveSectionsKeepsInactiveOnesAndTakesTheDtlsClientRole() throws Exception {
        try (PeerConnection pc = new PeerConnection(DtlsCertificate.generate(java.time.Instant.now()), null)) {
            String answer = Sdp.subscribeAnswer(OFFER, pc, "CC:DD");

            assertThat(answer).contains("a=group:BUNDLE 0 1", "a=recvonly", "a=inactive", "a=setup:active",
                    "a=rtpmap:111 opus/48000/2", "a=fingerprint:sha-256 CC:DD", "127.0.0.1 " + pc.localPort() + " typ host");
            for (String section : answer.split("(?=m=)")) {
                if (section.startsWith("m=")) {
                    assertThat(section.split("c=IN", -1)).as("one c= line per section").hasSize(2);
                }
            }
        }
    }

    @Test
    void theTransportWideCcExtensionIdIsTakenFromTheOfferSoSubscribersCanSendFeedback() {
        String offer = String.join("\r\n", "v=0", "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:3/recvonly " + Extensions.TRANSPORT_CC, "");

        assertThat(Sdp.extensionId(offer, Extensions.TRANSPORT_CC)).isEqualTo(3);
        assertThat(Sdp.extensionId(OFFER, Extensions.TRANSPORT_CC)).isEqualTo(-1);
    }

    @Test
    void publishedPacketsCarryMidRidAVp8DescriptorAMarkerOnEachFramesLastPacketAndASendTimeTag() {
        List<byte[]> sent = new ArrayList<>();
        Publisher publisher = new Publisher(RecordedMedia.load(), (b, len, h) -> sent.add(Arrays.copyOf(b, len)),
                new Totals(), true, true);

        long before = System.nanoTime();
        publisher.tick(); // at time zero: the first Opus packet and the first (key)frame of each layer

        RtpPacket p = new RtpPacket();
        Map<String, List<byte[]>> byRid = new HashMap<>();
        int audio = 0;
        for (byte[] b : sent) {
            assertThat(p.wrap(b, 0, b.length)).isTrue();
            long tag = Publisher.sendNanos(b, p.payloadOffset() + p.payloadLength());
            assertThat(tag).isBetween(before, System.nanoTime());
            if (p.payloadType() == Sdp.OPUS_PT) {
                audio++;
                assertThat(p.extensionString(Sdp.MID_ID)).isEqualTo("0");
            } else {
                assertThat(p.payloadType()).isEqualTo(Sdp.VP8_PT);
                assertThat(p.extensionString(Sdp.MID_ID)).isEqualTo("1");
                byRid.computeIfAbsent(p.extensionString(Sdp.RID_ID), k -> new ArrayList<>()).add(b);
            }
        }
        assertThat(audio).isEqualTo(1);
        assertThat(byRid).containsOnlyKeys("q", "h", "f");
        for (List<byte[]> frame : byRid.values()) {
            for (int i = 0; i < frame.size(); i++) {
                byte[] b = frame.get(i);
                p.wrap(b, 0, b.length);
                assertThat((b[p.payloadOffset()] & 0x10) != 0).as("S bit only on the first packet").isEqualTo(i == 0);
                assertThat(p.marker()).as("marker only on the last packet").isEqualTo(i == frame.size() - 1);
            }
            byte[] first = frame.get(0);
            p.wrap(first, 0, first.length);
            assertThat(dev.porta.media.forward.Vp8.isKeyframeStart(first, p.payloadOffset(), p.payloadLength())).isTrue();
        }
        assertThat(byRid.get("f").size()).as("720p keyframe spans several packets").isGreaterThan(1);
    }
}
