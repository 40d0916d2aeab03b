// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.rtcp.RtcpCompound;
import dev.porta.media.rtcp.RtcpFeedback;
import dev.porta.media.rtcp.TransportCcFeedback;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.sdp.PublishNegotiator;
import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import dev.porta.media.stun.StunMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing of every parser that sees network or signaling input. In a normal test run
 * these replay the corpus in {@code src/test/resources/dev/porta/media/fuzz/ParserFuzzTestInputs};
 * with {@code JAZZER_FUZZ=1} they fuzz. Any exception escaping a parser is a finding.
 */
class ParserFuzzTest {
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    @FuzzTest(maxDuration = "30s")
    void stun(byte[] data) {
        StunMessage m = StunMessage.parse(data, 0, data.length);
        if (m != null) {
            m.username();
            m.priority();
            m.useCandidate();
            m.xorMappedAddress();
            m.verifyFingerprint();
            m.verifyIntegrity(KEY);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void rtp(byte[] data) {
        RtpPacket p = new RtpPacket();
        if (p.wrap(data, 0, data.length)) {
            for (int id = 1; id < 16; id++) {
                p.extensionString(id);
                p.transportSequence(id);
                p.audioLevel(id);
            }
            p.payloadLength();
        }
        RtpPacket.headerLength(data, 0, data.length);
    }

    @FuzzTest(maxDuration = "30s")
    void rtcp(byte[] data) {
        RtcpCompound c = new RtcpCompound();
        if (c.wrap(data, 0, data.length)) {
            for (int i = 0; i < c.count(); i++) {
                RtcpFeedback.forEachNacked(c, i, s -> { });
                RtcpFeedback.forEachFirTarget(c, i, s -> { });
                RtcpFeedback.rembBitrate(c, i);
                RtcpFeedback.srNtp(c, i);
                RtcpFeedback.reportBlockCount(c, i);
                TransportCcFeedback.read(c, i, (s, t) -> { });
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void srtp(byte[] data) {
        byte[] copy = java.util.Arrays.copyOf(data, data.length + 32);
        SrtpContext cm = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT);
        SrtpContext gcm = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, KEY, java.util.Arrays.copyOf(SALT, 12));
        int h = RtpPacket.headerLength(copy, 0, data.length);
        if (h >= 0) {
            cm.unprotectRtp(copy.clone(), 0, data.length, h);
            gcm.unprotectRtp(copy.clone(), 0, data.length, h);
        }
        cm.unprotectRtcp(copy.clone(), 0, data.length);
        gcm.unprotectRtcp(copy.clone(), 0, data.length);
    }

    @FuzzTest(maxDuration = "30s")
    void sdp(byte[] data) {
        try {
            PublishNegotiator.answer(new String(data, StandardCharsets.UTF_8),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA),
                    new PublishNegotiator.LocalTransport("u", "p", "AA", "127.0.0.1", 1));
        } catch (SdpException expected) {
            // refusing is the right answer to most inputs
        }
    }
}
