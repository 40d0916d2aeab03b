// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.util.Bytes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Review finding M7: the per-SSRC state used to be a first-in first-out list of 64, so the 65th stream
 * evicted a live one and the evicted stream started again at rollover counter 0 with an empty memory of
 * used indices, encrypting indices a second time. These tests perform that attack.
 */
class SrtpStreamLimitTest {
    private static final int PAYLOAD = 100;

    @Test
    void protectingMoreThan64OtherStreamsDoesNotLetALiveStreamEncryptAnIndexTwice() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            SrtpContext out = context(profile);
            byte[] a = rtp(0x1111, 5, (byte) 'A');
            byte[] b = rtp(0x1111, 5, (byte) 'B');
            assertThat(out.protectRtp(a, 0, 12 + PAYLOAD, 12)).as(profile.name()).isPositive();
            for (int s = 1; s <= 200; s++) {
                assertThat(out.protectRtp(rtp(0x2000 + s, 1, (byte) 0), 0, 12 + PAYLOAD, 12)).isPositive();
            }
            byte[] before = b.clone();
            assertThat(out.protectRtp(b, 0, 12 + PAYLOAD, 12)).as(profile.name() + ": same SSRC and index again")
                    .isEqualTo(SrtpContext.REPLAYED);
            assertThat(b).as("left as it was, never encrypted").isEqualTo(before);
        }
    }

    @Test
    void aLiveStreamKeepsItsRolloverCounterAcrossAWrapWhileManyOtherStreamsAreSent() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            SrtpContext out = context(profile);
            SrtpContext browser = context(profile);
            SrtpContext otherBrowser = context(profile); // its own receiver, so this one sees only stream 0x1111
            int others = 0;
            // the oldest stream wraps its sequence number while 300 newer streams come and go around it
            for (int i = 0; i < 400; i++) {
                int seq = (65_400 + i) & 0xFFFF;
                byte[] p = rtp(0x1111, seq, (byte) i);
                int n = out.protectRtp(p, 0, 12 + PAYLOAD, 12);
                assertThat(n).as(profile + " seq " + seq).isPositive();
                assertThat(browser.unprotectRtp(p, 0, n, 12)).as(profile + ": the browser, at ROC 1 after the wrap, "
                        + "authenticates seq " + seq).isEqualTo(12 + PAYLOAD);
                if (i % 4 == 0 && others < 300) {
                    long ssrc = 0x2000 + ++others;
                    byte[] q = rtp(ssrc, 1, (byte) 0);
                    int m = out.protectRtp(q, 0, 12 + PAYLOAD, 12);
                    assertThat(m).isPositive();
                    assertThat(otherBrowser.unprotectRtp(q, 0, m, 12)).as("stream " + others + " protects correctly")
                            .isEqualTo(12 + PAYLOAD);
                }
            }
            assertThat(others).isEqualTo(100);
            // every index of the stream, before and after the wrap, is refused a second time: none is re-encrypted
            for (int i = 0; i < 400; i++) {
                int seq = (65_400 + i) & 0xFFFF;
                assertThat(out.protectRtp(rtp(0x1111, seq, (byte) 0x55), 0, 12 + PAYLOAD, 12))
                        .as(profile + " seq " + seq + " again").isEqualTo(SrtpContext.REPLAYED);
            }
        }
    }

    @Test
    void pastItsStreamLimitAContextRefusesNewStreamsAndKeepsTheLiveOnes() {
        SrtpContext out = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, new byte[16], new byte[12], 8, 8);
        SrtpContext browser = context(SrtpProfile.AEAD_AES_128_GCM);
        for (int s = 0; s < 8; s++) {
            assertThat(out.protectRtp(rtp(0x3000 + s, 10, (byte) 0), 0, 12 + PAYLOAD, 12)).isPositive();
        }
        byte[] ninth = rtp(0x4000, 10, (byte) 9);
        byte[] before = ninth.clone();
        assertThat(out.protectRtp(ninth, 0, 12 + PAYLOAD, 12)).isEqualTo(SrtpContext.STREAM_LIMIT);
        assertThat(ninth).isEqualTo(before);
        for (int s = 0; s < 8; s++) {
            assertThat(out.protectRtp(rtp(0x3000 + s, 10, (byte) 1), 0, 12 + PAYLOAD, 12))
                    .as("stream %d still remembers index 10", s).isEqualTo(SrtpContext.REPLAYED);
            byte[] next = rtp(0x3000 + s, 11, (byte) 1);
            int n = out.protectRtp(next, 0, 12 + PAYLOAD, 12);
            assertThat(browser.unprotectRtp(next, 0, n, 12)).isEqualTo(12 + PAYLOAD);
        }
    }

    @Test
    void forgedPacketsOnThousandsOfSsrcsNeitherFillTheTableNorResetAReplayWindow() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            SrtpContext sender = context(profile);
            SrtpContext sfu = new SrtpContext(profile, new byte[16], new byte[profile.saltLength()], 64, 64);
            byte[] p = rtp(0x1111, 7, (byte) 'A');
            int n = sender.protectRtp(p, 0, 12 + PAYLOAD, 12);
            byte[] captured = Arrays.copyOf(p, p.length);
            assertThat(sfu.unprotectRtp(p, 0, n, 12)).isEqualTo(12 + PAYLOAD);

            byte[] r = new byte[200];
            int rl = dev.porta.media.rtcp.RtcpWriter.pli(r, 0, 0xAB, 0xCD);
            int rn = sender.protectRtcp(r, 0, rl);
            byte[] capturedRtcp = r.clone();
            assertThat(sfu.unprotectRtcp(r, 0, rn)).isEqualTo(rl);

            for (int s = 0; s < 5000; s++) { // an attacker without the key, each packet on a new SSRC
                byte[] forged = rtp(0x10_0000 + s, 7, (byte) 0);
                assertThat(sfu.unprotectRtp(forged, 0, 12 + PAYLOAD + profile.tagLength(), 12))
                        .isEqualTo(SrtpContext.AUTH_FAILED);
                byte[] forgedRtcp = capturedRtcp.clone();
                Bytes.put32(forgedRtcp, 4, 0x20_0000 + s);
                assertThat(sfu.unprotectRtcp(forgedRtcp, 0, rn)).isEqualTo(SrtpContext.AUTH_FAILED);
            }
            assertThat(sfu.unprotectRtp(captured, 0, n, 12)).as(profile + ": the captured packet replayed")
                    .isEqualTo(SrtpContext.REPLAYED);
            assertThat(sfu.unprotectRtcp(capturedRtcp, 0, rn)).as(profile + ": the captured RTCP replayed")
                    .isEqualTo(SrtpContext.REPLAYED);
            byte[] next = rtp(0x1111, 8, (byte) 'B');
            int m = sender.protectRtp(next, 0, 12 + PAYLOAD, 12);
            assertThat(sfu.unprotectRtp(next, 0, m, 12)).isEqualTo(12 + PAYLOAD);
        }
    }

    @Test
    void pastItsLimitAReceivingContextRefusesNewAuthenticStreamsRatherThanForgetOne() {
        SrtpProfile profile = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpContext sender = context(profile);
        SrtpContext sfu = new SrtpContext(profile, new byte[16], new byte[14], 4, 4);
        byte[] first = rtp(0x5000, 1, (byte) 1);
        int n = sender.protectRtp(first, 0, 12 + PAYLOAD, 12);
        byte[] captured = first.clone();
        assertThat(sfu.unprotectRtp(first, 0, n, 12)).isPositive();
        for (int s = 1; s < 4; s++) {
            byte[] p = rtp(0x5000 + s, 1, (byte) 1);
            assertThat(sfu.unprotectRtp(p, 0, sender.protectRtp(p, 0, 12 + PAYLOAD, 12), 12)).isPositive();
        }
        byte[] fifth = rtp(0x6000, 1, (byte) 1);
        assertThat(sfu.unprotectRtp(fifth, 0, sender.protectRtp(fifth, 0, 12 + PAYLOAD, 12), 12))
                .isEqualTo(SrtpContext.STREAM_LIMIT);
        assertThat(sfu.unprotectRtp(captured, 0, n, 12)).isEqualTo(SrtpContext.REPLAYED);
    }

    private static SrtpContext context(SrtpProfile profile) {
        return new SrtpContext(profile, new byte[16], new byte[profile.saltLength()]);
    }

    /** A 12-byte header and 100 bytes of {@code fill}, with room for the tag. */
    private static byte[] rtp(long ssrc, int seq, byte fill) {
        byte[] b = new byte[12 + PAYLOAD + 16];
        b[0] = (byte) 0x80;
        b[1] = 111;
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 4, 1234);
        Bytes.put32(b, 8, ssrc);
        Arrays.fill(b, 12, 12 + PAYLOAD, fill);
        return b;
    }
}
