// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpCompoundTest {
    @Test
    void senderReportSdesAndByeFormAValidCompound() {
        byte[] b = new byte[200];
        int n = RtcpWriter.sr(b, 0, 0x11, 0x0102030405060708L, 90000, 10, 1000);
        n += RtcpWriter.sdesCname(b, n, 0x11, "porta");
        n += RtcpWriter.bye(b, n, 0x11);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.startsWithReport()).isTrue();
        assertThat(c.type(0)).isEqualTo(RtcpCompound.SR);
        assertThat(RtcpFeedback.srNtp(c, 0)).isEqualTo(0x0102030405060708L);
        assertThat(RtcpFeedback.srRtpTimestamp(c, 0)).isEqualTo(90000);
        assertThat(RtcpFeedback.srPacketCount(c, 0)).isEqualTo(10);
        assertThat(c.type(1)).isEqualTo(RtcpCompound.SDES);
        assertThat(c.type(2)).isEqualTo(RtcpCompound.BYE);
        assertThat(c.senderSsrc(2)).isEqualTo(0x11);
    }

    @Test
    void receiverReportBlocksAreReadable() {
        byte[] b = new byte[64];
        int n = RtcpWriter.rr(b, 0, 1, 2, 25, 3, 70000, 5, 6, 7);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        assertThat(RtcpFeedback.reportBlockCount(c, 0)).isEqualTo(1);
        int at = RtcpFeedback.reportBlockOffset(c, 0, 0);
        assertThat(dev.porta.media.util.Bytes.u32(b, at)).isEqualTo(2);
        assertThat(b[at + 4]).isEqualTo((byte) 25);
    }

    @Test
    void nackRoundTripsThroughPidAndBitmask() {
        byte[] b = new byte[64];
        int[] lost = {100, 101, 116, 117, 65535};
        int n = RtcpWriter.nack(b, 0, 1, 2, lost, lost.length);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        assertThat(c.type(0)).isEqualTo(RtcpCompound.RTPFB);
        assertThat(c.fmt(0)).isEqualTo(RtcpCompound.FMT_NACK);
        List<Integer> seen = new ArrayList<>();
        RtcpFeedback.forEachNacked(c, 0, seen::add);
        assertThat(seen).containsExactly(100, 101, 116, 117, 65535);
    }

    @Test
    void pliFirAndRembAreRecognised() {
        byte[] b = new byte[100];
        int n = RtcpWriter.pli(b, 0, 1, 2);
        n += RtcpWriter.fir(b, n, 1, 3, 7);
        n += RtcpWriter.remb(b, n, 1, 1_500_000, 2);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        assertThat(c.fmt(0)).isEqualTo(RtcpCompound.FMT_PLI);
        assertThat(c.mediaSsrc(0)).isEqualTo(2);
        List<Long> fir = new ArrayList<>();
        RtcpFeedback.forEachFirTarget(c, 1, fir::add);
        assertThat(fir).containsExactly(3L);
        long remb = RtcpFeedback.rembBitrate(c, 2);
        assertThat(remb).isBetween(1_499_000L, 1_500_000L);
    }

    @Test
    void transportCcFeedbackRoundTrips() {
        long[] arrivals = {1_000_000, -1, 1_000_500, 1_020_000, -1, -1, 1_019_000, 2_000_000, 2_000_250};
        byte[] b = new byte[200];
        int n = TransportCcFeedback.write(b, 0, 1, 2, 65533, arrivals, arrivals.length, 4);
        assertThat(n % 4).isZero();
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        List<String> seen = new ArrayList<>();
        assertThat(TransportCcFeedback.read(c, 0, (seq, t) -> seen.add(seq + "@" + t))).isTrue();
        assertThat(seen).containsExactly("65533@1000000", "65534@-1", "65535@1000500", "0@1020000", "1@-1", "2@-1",
                "3@1019000", "4@2000000", "5@2000250");
    }

    @Test
    void lyingLengthsInvalidateTheWholeCompound() {
        byte[] b = new byte[64];
        int n = RtcpWriter.pli(b, 0, 1, 2);
        n += RtcpWriter.pli(b, n, 1, 2);
        b[15] = 9; // second member claims 40 bytes
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isFalse();
        for (int cut = 0; cut < 12; cut++) {
            assertThat(c.wrap(b, 0, cut)).isFalse();
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(2);
        RtcpCompound c = new RtcpCompound();
        byte[] b = new byte[96];
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(b);
            b[0] = (byte) (0x80 | (b[0] & 0x3F));
            b[2] = 0;
            b[3] = (byte) r.nextInt(24);
            if (c.wrap(b, 0, r.nextInt(97))) {
                for (int k = 0; k < c.count(); k++) {
                    RtcpFeedback.forEachNacked(c, k, s -> { });
                    RtcpFeedback.rembBitrate(c, k);
                    RtcpFeedback.reportBlockCount(c, k);
                    TransportCcFeedback.read(c, k, (s, t) -> { });
                }
            }
        }
    }
}
