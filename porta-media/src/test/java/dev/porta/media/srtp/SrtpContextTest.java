// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.util.Bytes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B and RFC 7714 §16 vectors, then round trips, replay and tampering. */
class SrtpContextTest {
    @Test
    void rfc3711B2AesCmKeystreamMatches() {
        byte[] key = Bytes.hex("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] salt = Bytes.hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
        byte[] ks = SrtpContext.keystreamForTest(key, salt, 0, 0, 48);
        assertThat(Bytes.toHex(ks, 0, 48)).isEqualToIgnoringCase(
                "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0");
    }

    @Test
    void rfc3711B3KeyDerivationMatches() {
        byte[] key = Bytes.hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] salt = Bytes.hex("0EC675AD498AFEEBB6960B3AABE6");
        assertThat(Bytes.toHex(SrtpKeyDerivation.derive(key, salt, 0, 16), 0, 16))
                .isEqualToIgnoringCase("C61E7A93744F39EE10734AFE3FF7A087");
        assertThat(Bytes.toHex(SrtpKeyDerivation.derive(key, salt, 2, 14), 0, 14))
                .isEqualToIgnoringCase("30CBBC08863D8C85D49DB34A9AE1");
        assertThat(Bytes.toHex(SrtpKeyDerivation.derive(key, salt, 1, 20), 0, 20))
                .isEqualToIgnoringCase("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
    }

    @Test
    void rfc7714GcmRtpVectorEncryptsAndDecrypts() {
        byte[] key = Bytes.hex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = Bytes.hex("517569642070726f2071756f");
        byte[] plain = Bytes.hex("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
        String expected = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
        SrtpContext tx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt);
        byte[] b = Arrays.copyOf(plain, plain.length + 16);
        int n = tx.protectRtp(b, 0, plain.length, 12);
        assertThat(Bytes.toHex(b, 0, n)).isEqualTo(expected);

        SrtpContext rx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt);
        assertThat(rx.unprotectRtp(b, 0, n, 12)).isEqualTo(plain.length);
        assertThat(Bytes.toHex(b, 0, plain.length)).isEqualTo(Bytes.toHex(plain, 0, plain.length));
    }

    @Test
    void bothProfilesRoundTripRtpAndRtcpAndRejectReplayAndTampering() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            byte[] mk = new byte[16];
            byte[] ms = new byte[profile.saltLength()];
            Arrays.fill(mk, (byte) 7);
            Arrays.fill(ms, (byte) 9);
            SrtpContext tx = new SrtpContext(profile, mk, ms);
            SrtpContext rx = new SrtpContext(profile, mk, ms);
            for (int seq = 65530; seq < 65540; seq++) { // crosses a rollover
                byte[] b = new byte[100];
                b[0] = (byte) 0x80;
                b[1] = 96;
                Bytes.put16(b, 2, seq & 0xFFFF);
                Bytes.put32(b, 8, 0xCAFE);
                for (int i = 12; i < 50; i++) {
                    b[i] = (byte) i;
                }
                int n = tx.protectRtp(b, 0, 50, 12);
                byte[] copy = b.clone();
                assertThat(rx.unprotectRtp(b, 0, n, 12)).as(profile + " seq " + seq).isEqualTo(50);
                assertThat(b[20]).isEqualTo((byte) 20);
                assertThat(rx.unprotectRtp(copy.clone(), 0, n, 12)).isEqualTo(SrtpContext.REPLAYED);
            }
            byte[] b = new byte[100];
            b[0] = (byte) 0x80;
            Bytes.put16(b, 2, 4);
            Bytes.put32(b, 8, 0xCAFE);
            int n = tx.protectRtp(b, 0, 40, 12);
            b[20] ^= 1;
            assertThat(rx.unprotectRtp(b, 0, n, 12)).isEqualTo(SrtpContext.AUTH_FAILED);

            byte[] r = new byte[100];
            int rl = dev.porta.media.rtcp.RtcpWriter.pli(r, 0, 0xAB, 0xCD);
            int pl = tx.protectRtcp(r, 0, rl);
            byte[] again = r.clone();
            assertThat(rx.unprotectRtcp(r, 0, pl)).isEqualTo(rl);
            assertThat(Bytes.u32(r, 8)).isEqualTo(0xCD);
            assertThat(rx.unprotectRtcp(again, 0, pl)).isEqualTo(SrtpContext.REPLAYED);
            assertThat(rx.unprotectRtcp(r, 0, 5)).isEqualTo(SrtpContext.MALFORMED);
        }
    }

    @Test
    void aPacketIndexIsNeverProtectedTwiceSoNoKeyStreamOrGcmNonceRepeats() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            byte[] mk = new byte[profile.keyLength()];
            byte[] ms = new byte[profile.saltLength()];
            SrtpContext tx = new SrtpContext(profile, mk, ms);
            byte[] first = rtp(700, (byte) 1);
            byte[] again = rtp(700, (byte) 2); // same SSRC and sequence number, other content
            byte[] old = rtp(600, (byte) 3);   // more than 63 behind the newest

            assertThat(tx.protectRtp(first, 0, 50, 12)).as(profile.name()).isPositive();
            byte[] before = again.clone();
            assertThat(tx.protectRtp(again, 0, 50, 12)).as(profile.name()).isEqualTo(SrtpContext.REPLAYED);
            assertThat(again).as("left unencrypted, never sent").isEqualTo(before);
            assertThat(tx.protectRtp(old, 0, 50, 12)).as(profile.name()).isEqualTo(SrtpContext.REPLAYED);
            assertThat(tx.protectRtp(rtp(699, (byte) 4), 0, 50, 12)).as("a late packet not sent before").isPositive();
        }
    }

    private static byte[] rtp(int seq, byte fill) {
        byte[] b = new byte[100];
        b[0] = (byte) 0x80;
        b[1] = 96;
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 8, 0xCAFE);
        java.util.Arrays.fill(b, 12, 50, fill);
        return b;
    }
}
