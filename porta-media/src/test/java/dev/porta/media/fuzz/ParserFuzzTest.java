// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.forward.H264;
import dev.porta.media.forward.Vp8;
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

    /**
     * The ICE-TCP framing (RFC 4571) fed in chunks cut where the input says: it never throws, never holds
     * more than one frame, hands out only frames of 1..max bytes, and cutting the stream differently never
     * changes what comes out.
     */
    @FuzzTest(maxDuration = "30s")
    void iceTcpFraming(byte[] data) {
        // the first byte chooses the largest frame, the rest is the stream
        int max = 64 + (data.length == 0 ? 0 : (data[0] & 0xFF) * 8);
        int start = Math.min(1, data.length);
        java.util.List<String> whole = new java.util.ArrayList<>();
        dev.porta.media.ice.Rfc4571Framer one = new dev.porta.media.ice.Rfc4571Framer(max);
        boolean ok = one.feed(data, start, data.length - start, (b, o, l) -> whole.add(java.util.HexFormat.of().formatHex(b, o, o + l)));
        java.util.List<String> chunked = new java.util.ArrayList<>();
        dev.porta.media.ice.Rfc4571Framer many = new dev.porta.media.ice.Rfc4571Framer(max);
        boolean ok2 = true;
        int at = start;
        int step = 1;
        while (at < data.length && ok2) {
            int n = Math.min(data.length - at, step);
            ok2 = many.feed(data, at, n, (b, o, l) -> {
                if (l < 1 || l > max) {
                    throw new IllegalStateException("frame of " + l + " bytes with max " + max);
                }
                chunked.add(java.util.HexFormat.of().formatHex(b, o, o + l));
            });
            if (many.buffered() > max + 2) {
                throw new IllegalStateException("holds " + many.buffered() + " bytes");
            }
            at += n;
            step = 1 + (data[at - 1] & 0x1F);
        }
        if (ok != ok2 || !whole.equals(chunked)) {
            throw new IllegalStateException("chunking changed the frames");
        }
    }

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

    /** VP8 payload descriptor, keyframe detection and keyframe height (RFC 7741, RFC 6386 §9.1). */
    @FuzzTest(maxDuration = "30s")
    void vp8(byte[] data) {
        int n = Vp8.descriptorLength(data, 0, data.length);
        boolean key = Vp8.isKeyframeStart(data, 0, data.length);
        int height = Vp8.keyframeHeight(data, 0, data.length);
        if (n > data.length || (key && n < 0) || height < 0 || height > 0x3FFF) {
            throw new IllegalStateException("descriptor " + n + ", keyframe " + key + ", height " + height);
        }
        // the same payload inside a larger packet buffer: the answers must not depend on bytes outside it
        byte[] framed = framed(data);
        if (Vp8.descriptorLength(framed, 3, data.length) != n || Vp8.isKeyframeStart(framed, 3, data.length) != key
                || Vp8.keyframeHeight(framed, 3, data.length) != height) {
            throw new IllegalStateException("read outside the payload");
        }
    }

    /** H.264 keyframe detection over single NAL units, STAP-A and FU-A (RFC 6184). */
    @FuzzTest(maxDuration = "30s")
    void h264(byte[] data) {
        boolean key = H264.isKeyframeStart(data, 0, data.length);
        if (H264.isKeyframeStart(framed(data), 3, data.length) != key) {
            throw new IllegalStateException("read outside the payload");
        }
    }

    /** {@code data} at offset 3 of a buffer whose other bytes look like the start of a keyframe. */
    private static byte[] framed(byte[] data) {
        byte[] b = new byte[data.length + 16];
        java.util.Arrays.fill(b, (byte) 0x65);
        System.arraycopy(data, 0, b, 3, data.length);
        return b;
    }
}
