// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishNegotiatorTest {
    static final PublishNegotiator.LocalTransport LOCAL =
            new PublishNegotiator.LocalTransport("uf", "pw", "AA:BB", "127.0.0.1", 10000);
    static final Map<String, TrackSource> SOURCES = Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA);

    static String chromeOffer() throws IOException {
        try (InputStream in = PublishNegotiatorTest.class.getResourceAsStream("/sdp/chrome-publish-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        }
    }

    @Test
    void answersChromesSimulcastOfferWithOpusVp8RtxAndThreeRids() throws Exception {
        PublishNegotiator.Result r = PublishNegotiator.answer(chromeOffer(), SOURCES, LOCAL);
        assertThat(r.remoteUfrag()).isEqualTo("Xk3d");
        assertThat(r.remoteFingerprint()).startsWith("5C:1A");
        assertThat(r.media()).hasSize(2);
        PublishedMedia audio = r.media().get(0);
        assertThat(audio.audio()).isTrue();
        assertThat(audio.payloadType()).isEqualTo(111);
        assertThat(audio.audioLevelExt()).isEqualTo(1);
        assertThat(audio.midExt()).isEqualTo(4);
        assertThat(audio.ssrcs()).containsExactly(1001L);
        PublishedMedia video = r.media().get(1);
        assertThat(video.source()).isEqualTo(TrackSource.CAMERA);
        assertThat(video.payloadType()).isEqualTo(96);
        assertThat(video.rtxPayloadType()).isEqualTo(97);
        assertThat(video.rids()).containsExactly("q", "h", "f");
        assertThat(video.ridExt()).isEqualTo(10);
        assertThat(video.repairedRidExt()).isEqualTo(11);
        assertThat(video.tccExt()).isEqualTo(3);

        String a = r.answer();
        assertThat(a).contains("a=group:BUNDLE 0 1", "a=ice-lite", "a=setup:passive", "a=recvonly",
                "a=simulcast:recv q;h;f", "a=rid:q recv", "a=fmtp:97 apt=96", "a=fingerprint:sha-256 AA:BB",
                "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host", "a=rtcp-mux");
        assertThat(a).doesNotContain("H264", "AV1", "G722");
        SessionDescription parsed = SessionDescription.parse(a);
        assertThat(parsed.media).extracting(m -> m.mid()).containsExactly("0", "1");
    }

    @Test
    void answersFirefoxsOfferWithSessionLevelFingerprintAndDirectionalExtmaps() throws Exception {
        String offer;
        try (InputStream in = getClass().getResourceAsStream("/sdp/firefox-publish-offer.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        }
        PublishNegotiator.Result r = PublishNegotiator.answer(offer, SOURCES, LOCAL);
        assertThat(r.remoteFingerprint()).startsWith("0B:2A");
        assertThat(r.media()).hasSize(2);
        PublishedMedia audio = r.media().get(0);
        assertThat(audio.payloadType()).isEqualTo(109);
        assertThat(audio.ssrcs()).containsExactly(3141592653L);
        assertThat(audio.midExt()).isEqualTo(3);
        PublishedMedia video = r.media().get(1);
        assertThat(video.payloadType()).isEqualTo(120);
        assertThat(video.rtxPayloadType()).isEqualTo(124);
        assertThat(video.ssrcs()).containsExactly(2718281828L);
        assertThat(video.rtxSsrcs()).containsExactly(1618033988L);
        assertThat(video.tccExt()).isEqualTo(7);
        assertThat(r.answer()).contains("a=rtpmap:120 VP8/90000", "a=fmtp:124 apt=120", "a=extmap:7 ",
                "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1").doesNotContain("VP9", "H264");
    }

    @Test
    void anOfferWithoutVp8IsAnsweredWithItsPacketizationModeOneH264() throws Exception {
        String offer = chromeOffer().replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP9/90000");
        PublishNegotiator.Result r = PublishNegotiator.answer(offer, SOURCES, LOCAL);
        PublishedMedia video = r.media().get(1);
        assertThat(video.isH264()).isTrue();
        assertThat(video.payloadType()).isEqualTo(102);
        assertThat(video.rtxPayloadType()).isEqualTo(103);
        assertThat(r.answer()).contains("a=rtpmap:102 H264/90000", "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
        String sub = SubscribeOfferWriter.offer(1, List.of(new DownTrackSpec("0", false, 1, 2, "a", "camera", true, true,
                video.fmtp())), LOCAL);
        assertThat(sub).contains("m=video 9 UDP/TLS/RTP/SAVPF 102 103", "a=fmtp:103 apt=102", "profile-level-id=42001f");
    }

    @Test
    void answerAsksForOpusFecAndDtxAndListsEveryAdvertisedAddress() throws Exception {
        PublishNegotiator.Result r = PublishNegotiator.answer(chromeOffer(), SOURCES,
                new PublishNegotiator.LocalTransport("uf", "pw", "AA:BB", "203.0.113.7, 127.0.0.1", 10000));
        assertThat(r.answer()).contains("a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1",
                "a=candidate:1 1 udp 2130706431 203.0.113.7 10000 typ host",
                "a=candidate:2 1 udp 2130706430 127.0.0.1 10000 typ host", "c=IN IP4 203.0.113.7");
    }

    @Test
    void aChromeOfferPreferringRedIsAnsweredWithPlainOpusCarryingFecAndDtx() throws Exception {
        // Chrome offers RED (RFC 2198) as 63 red/48000/2; with setCodecPreferences it may even come first
        String offer = chromeOffer().replace("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 ", "m=audio 9 UDP/TLS/RTP/SAVPF 63 111 ");
        assertThat(offer).contains("a=rtpmap:63 red/48000/2", "m=audio 9 UDP/TLS/RTP/SAVPF 63 111");
        PublishNegotiator.Result r = PublishNegotiator.answer(offer, SOURCES, LOCAL);
        assertThat(r.media().get(0).payloadType()).isEqualTo(111);
        SessionDescription answer = SessionDescription.parse(r.answer());
        String audio = r.answer().substring(r.answer().indexOf("m=audio"), r.answer().indexOf("m=video"));
        assertThat(audio).startsWith("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
                .contains("a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1")
                .doesNotContain("red/48000", "a=fmtp:63", " 63");
        assertThat(answer.media).hasSize(2);
    }

    @Test
    void aFirefoxOfferWithRedIsAnsweredWithItsOwnOpusFmtpPlusFecAndDtx() throws Exception {
        String offer;
        try (InputStream in = getClass().getResourceAsStream("/sdp/firefox-publish-offer.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        }
        // the Firefox shape with RED added the way Firefox writes it (its own payload type, 63 here)
        offer = offer.replace("m=audio 9 UDP/TLS/RTP/SAVPF 109 ", "m=audio 9 UDP/TLS/RTP/SAVPF 63 109 ")
                .replace("a=rtpmap:109 opus/48000/2\r\n", "a=rtpmap:109 opus/48000/2\r\na=rtpmap:63 red/48000/2\r\na=fmtp:63 109/109\r\n");
        assertThat(offer).contains("a=rtpmap:63 red/48000/2");
        PublishNegotiator.Result r = PublishNegotiator.answer(offer, SOURCES, LOCAL);
        String audio = r.answer().substring(r.answer().indexOf("m=audio"), r.answer().indexOf("m=video"));
        assertThat(audio).startsWith("m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n")
                .contains("a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1")
                .doesNotContain("red/48000");
    }

    @Test
    void anOpusOfferThatSaysNoToFecOrDtxIsNotOverruled() throws Exception {
        String offer = chromeOffer().replace("a=fmtp:111 minptime=10;useinbandfec=1", "a=fmtp:111 minptime=10;useinbandfec=0;usedtx=0");
        PublishNegotiator.Result r = PublishNegotiator.answer(offer, SOURCES, LOCAL);
        assertThat(r.answer()).contains("a=fmtp:111 minptime=10;useinbandfec=0;usedtx=0");
    }

    @Test
    void theSubscribeOfferGivesSubscribersOpusWithFecAndNoRed() throws Exception {
        String sub = SubscribeOfferWriter.offer(1, List.of(new DownTrackSpec("0", true, 1L, 2L, "p1", "microphone", true,
                false, null)), LOCAL);
        assertThat(sub).contains("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "a=rtpmap:111 opus/48000/2",
                "useinbandfec=1").doesNotContain("red/48000");
    }

    @Test
    void aSectionWithoutASourceOrWithTheWrongKindIsRejectedWithPortZero() throws Exception {
        PublishNegotiator.Result r = PublishNegotiator.answer(chromeOffer(),
                Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.MICROPHONE), LOCAL);
        assertThat(r.media()).hasSize(1);
        assertThat(r.answer()).contains("m=video 0 UDP/TLS/RTP/SAVPF").contains("a=group:BUNDLE 0\r\n");
    }

    @Test
    void offersThatLieOrLackEssentialsAreRefused() throws Exception {
        String offer = chromeOffer();
        for (String bad : List.of("", "hello", offer.replace("a=fingerprint:sha-256", "a=fingerprint:sha-1"),
                offer.replace("a=ice-ufrag:Xk3d\r\n", ""), offer.replace("a=mid:0\r\n", ""),
                offer.replace("a=rtcp-mux\r\n", ""), offer.replace("v=0\r\n", ""),
                offer.replace("a=setup:actpass", "a=setup:passive"))) {
            assertThatThrownBy(() -> PublishNegotiator.answer(bad, SOURCES, LOCAL)).isInstanceOf(SdpException.class);
        }
        assertThatThrownBy(() -> PublishNegotiator.answer(offer, Map.of(), LOCAL)).isInstanceOf(SdpException.class)
                .hasMessageContaining("nothing the SFU can receive");
    }

    @Test
    void subscribeOfferCarriesMsidPerTrackAndKeepsRetiredSectionsInactive() throws Exception {
        String offer = SubscribeOfferWriter.offer(3, List.of(
                new DownTrackSpec("0", true, 11, 0, "alice", "microphone", true),
                new DownTrackSpec("1", false, 12, 13, "alice", "camera", true),
                new DownTrackSpec("2", false, 14, 15, "bob", "screen", false)), LOCAL);
        SessionDescription d = SessionDescription.parse(offer);
        assertThat(d.media).hasSize(3);
        assertThat(d.media.get(0).attr("msid")).isEqualTo("alice microphone");
        assertThat(d.media.get(1).attr("msid")).isEqualTo("alice camera");
        assertThat(d.media.get(1).attr("ssrc-group")).isEqualTo("FID 12 13");
        assertThat(d.media.get(1).direction()).isEqualTo("sendonly");
        assertThat(d.media.get(2).direction()).isEqualTo("inactive");
        assertThat(d.media.get(2).attr("msid")).isNull();
        assertThat(offer).contains("a=setup:actpass", "a=group:BUNDLE 0 1 2");
    }
}
