// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.util.Bytes;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    // V=2 X=1 M=1 PT=111 seq=0x1234 ts=0xdeadbeef ssrc=0x01020304, one-byte ext: id1 "0" (mid), id 4 audio level 0x85
    static final byte[] ONE_BYTE = Bytes.hex("90ef1234 deadbeef 01020304 bede0002 1030 4085 0000 0000 aabbcc");

    @Test
    void readsFixedHeaderAndOneByteExtensions() {
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(ONE_BYTE, 0, ONE_BYTE.length)).isTrue();
        assertThat(p.marker()).isTrue();
        assertThat(p.payloadType()).isEqualTo(111);
        assertThat(p.sequenceNumber()).isEqualTo(0x1234);
        assertThat(p.timestamp()).isEqualTo(0xdeadbeefL);
        assertThat(p.ssrc()).isEqualTo(0x01020304L);
        assertThat(p.extensionString(1)).isEqualTo("0");
        assertThat(p.audioLevel(4)).isEqualTo(0x85);
        assertThat(p.findExtension(7)).isEqualTo(-1);
        assertThat(p.headerLength()).isEqualTo(24);
        assertThat(p.payloadLength()).isEqualTo(3);
    }

    @Test
    void readsTwoByteExtensions() {
        byte[] b = Bytes.hex("90600001 00000001 00000002 10000002 0302abcd 05000000 ff");
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.transportSequence(3)).isEqualTo(0xabcd);
        assertThat(p.findExtension(5) >>> 32).isEqualTo(0);
    }

    @Test
    void writerProducesExtensionsTheReaderFinds() {
        byte[] b = new byte[64];
        int h = RtpHeaderWriter.write(b, 0, true, 96, 7, 9000, 42, 3, 513, 1, 0x90);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, h + 10)).isTrue();
        assertThat(p.transportSequence(3)).isEqualTo(513);
        assertThat(p.audioLevel(1)).isEqualTo(0x90);
        assertThat(p.payloadOffset()).isEqualTo(h);
    }

    @Test
    void malformedPacketsAreRejected() {
        RtpPacket p = new RtpPacket();
        for (int cut = 0; cut < 24; cut++) {
            assertThat(p.wrap(ONE_BYTE, 0, cut)).isFalse();
        }
        byte[] padLie = Bytes.hex("a0000001 00000001 00000002 0102 ff");
        assertThat(p.wrap(padLie, 0, padLie.length)).isFalse();
        byte[] v1 = ONE_BYTE.clone();
        v1[0] = 0x50;
        assertThat(p.wrap(v1, 0, v1.length)).isFalse();
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(1);
        RtpPacket p = new RtpPacket();
        byte[] b = new byte[64];
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(b);
            b[0] = (byte) (0x80 | (b[0] & 0x3F));
            int len = r.nextInt(65);
            if (p.wrap(b, 0, len)) {
                p.extensionString(r.nextInt(16));
                p.transportSequence(r.nextInt(256));
                p.payloadLength();
            }
        }
    }
}
