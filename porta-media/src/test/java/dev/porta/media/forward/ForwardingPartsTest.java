// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.rtcp.RtcpCompound;
import dev.porta.media.rtcp.TccRecorder;
import dev.porta.media.rtcp.TransportCcFeedback;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stage tests of the forwarding helpers, each driven by explicit timestamps (the injected clock's millis). */
class ForwardingPartsTest {
    @Test
    void speakerDetectorNeedsSustainedLevelsHoldsThroughPausesAndPicksTheLoudest() {
        List<String> events = new ArrayList<>();
        SpeakerDetector<String> d = new SpeakerDetector<>(1500, new SpeakerDetector.Events<>() {
            @Override public void speaking(String p, boolean s) { events.add(p + (s ? " speaking" : " quiet")); }
            @Override public void dominant(String p) { events.add("dominant " + p); }
        });
        long t = 0;
        d.level("a", 10, t); // one loud packet is not speech
        assertThat(events).isEmpty();
        for (int i = 0; i < 50; i++) {
            t += 20;
            d.level("a", 10, t);
            d.level("b", 127, t);
        }
        d.tick(t);
        assertThat(events).containsExactly("a speaking", "dominant a");
        for (int i = 0; i < 20; i++) { // 400 ms pause: still speaking
            t += 20;
            d.level("a", 127, t);
        }
        assertThat(events).hasSize(2);
        for (int i = 0; i < 100; i++) {
            t += 20;
            d.level("a", 127, t);
            d.level("b", 5, t);
        }
        d.tick(t);
        assertThat(events).contains("a quiet", "b speaking", "dominant b");
        assertThat(d.lastSpoke("b")).isGreaterThan(d.lastSpoke("a"));
        d.silence("b");
        assertThat(events).endsWith("b quiet");
        for (int i = 0; i < 50; i++) {
            t += 20;
            d.level("a", 10, t);
        }
        t += 2000; // a's audio stops arriving altogether
        d.tick(t);
        assertThat(events).endsWith("a quiet");
    }

    @Test
    void bandwidthEstimateFallsWithLossAndGrowsWhenClean() {
        BandwidthEstimator e = new BandwidthEstimator(1_000_000, 100_000, 5_000_000);
        long now = 0;
        int seq = 0;
        for (int round = 0; round < 5; round++) {
            now += 250;
            for (int i = 0; i < 100; i++, seq++) {
                e.sent(seq, 1000, now * 1000 + i * 1000L);
                e.feedback(seq, i % 3 == 0 ? -1 : now * 1000 + i * 1000L);
            }
            e.update(now);
        }
        long afterLoss = e.estimateBps();
        assertThat(afterLoss).isLessThan(1_000_000);
        assertThat(e.lossRatio()).isGreaterThan(0.3);
        for (int round = 0; round < 10; round++) {
            now += 250;
            for (int i = 0; i < 100; i++, seq++) {
                e.sent(seq, 1200, now * 1000 + i * 1000L);
                e.feedback(seq, now * 1000 + i * 1000L);
            }
            e.update(now);
        }
        assertThat(e.estimateBps()).isGreaterThan(afterLoss);
        e.remb(300_000);
        assertThat(e.estimateBps()).isEqualTo(300_000);
    }

    @Test
    void tccRecorderReportsEachArrivalOnceAcrossWrap() {
        TccRecorder r = new TccRecorder();
        r.record(65534, 1_000_000);
        r.record(65535, 1_001_000);
        r.record(1, 1_003_000); // 0 lost
        byte[] b = new byte[1500];
        int n = r.write(b, 0, 1, 2);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(b, 0, n)).isTrue();
        List<String> seen = new ArrayList<>();
        TransportCcFeedback.read(c, 0, (seq, t) -> seen.add(seq + (t < 0 ? " lost" : " ok")));
        assertThat(seen).containsExactly("65534 ok", "65535 ok", "0 lost", "1 ok");
        assertThat(r.write(b, 0, 1, 2)).isZero();
        r.record(2, 1_004_000);
        assertThat(r.write(b, 0, 1, 2)).isPositive();
    }

    @Test
    void nackGeneratorAsksForGapsAFewTimesAcrossWrapAndStopsWhenRepaired() {
        NackGenerator g = new NackGenerator();
        int[] out = new int[64];
        long t = 0;
        g.received(65533, t);
        g.received(1, t); // 65534, 65535, 0 missing
        assertThat(g.due(t, out)).isEqualTo(3);
        assertThat(java.util.Arrays.copyOf(out, 3)).containsExactly(65534, 65535, 0);
        assertThat(g.due(t + 10, out)).as("not again within the retry interval").isZero();
        g.received(65535, t + 20); // repaired
        assertThat(g.due(t + 50, out)).isEqualTo(2);
        assertThat(g.due(t + 100, out)).isEqualTo(2);
        assertThat(g.due(t + 150, out)).as("three tries at most").isZero();
        assertThat(g.received(2000, t + 200)).as("a gap beyond repair asks for a keyframe").isFalse();
        assertThat(g.missing()).isZero();
    }

    @Test
    void retransmissionCacheKeepsTheNewestPacketPerSlot() {
        RetransmissionCache cache = new RetransmissionCache(4, 100);
        for (int seq = 10; seq < 20; seq++) {
            cache.put(seq, new byte[] {(byte) seq}, 0, 1, seq);
        }
        assertThat(cache.find(19)).isNotNegative();
        assertThat(cache.bytes(cache.find(19))[0]).isEqualTo((byte) 19);
        assertThat(cache.find(12)).isNegative();
    }

    @Test
    void h264KeyframesAreRecognisedInSingleStapAAndFuAPackets() {
        assertThat(H264.isKeyframeStart(new byte[] {0x65, 1}, 0, 2)).as("IDR").isTrue();
        assertThat(H264.isKeyframeStart(new byte[] {0x67, 1}, 0, 2)).as("SPS").isTrue();
        assertThat(H264.isKeyframeStart(new byte[] {0x41, 1}, 0, 2)).as("non-IDR slice").isFalse();
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, 2, 0x67, 1, 0, 1, 0x68}, 0, 8)).as("STAP-A").isTrue();
        assertThat(H264.isKeyframeStart(new byte[] {0x7c, (byte) 0x85, 1}, 0, 3)).as("FU-A start of IDR").isTrue();
        assertThat(H264.isKeyframeStart(new byte[] {0x7c, 0x05, 1}, 0, 3)).as("FU-A middle").isFalse();
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, (byte) 0xff}, 0, 3)).as("truncated STAP-A").isFalse();
    }

    @Test
    void aStapAWithAnEmptyOrOverlongUnitIsNotTakenForAKeyframe() {
        // found by reading while adding the fuzz target: a size-0 unit made the next size byte count as a NAL type
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, 0, 0x65, 1}, 0, 5)).as("empty unit").isFalse();
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, 9, 0x65, 1}, 0, 5)).as("unit past the end").isFalse();
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, 1, 0x41, 0, 1, 0x65, 7}, 0, 8)).as("trailing byte").isFalse();
        assertThat(H264.isKeyframeStart(new byte[] {0x78, 0, 1, 0x41, 0, 1, 0x65}, 0, 7)).as("IDR second").isTrue();
    }

    @Test
    void theVp8HeightReaderStaysInsideATruncatedPayload() {
        assertThat(Vp8.keyframeHeight(new byte[] {(byte) 0x90}, 0, 1)).isZero();
        assertThat(Vp8.keyframeHeight(new byte[] {(byte) 0x90, (byte) 0x80, (byte) 0x81}, 0, 3)).isZero();
        assertThat(Vp8.descriptorLength(new byte[] {(byte) 0x90, (byte) 0xE0, (byte) 0x80, 1, 5, 0x20}, 0, 6)).isEqualTo(6);
        assertThat(Vp8.descriptorLength(new byte[] {(byte) 0x90, (byte) 0xE0, (byte) 0x80, 1, 5}, 0, 5)).isEqualTo(-1);
    }

    @Test
    void vp8KeyframesAreRecognisedWithAndWithoutExtendedDescriptors() {
        assertThat(Vp8.isKeyframeStart(new byte[] {0x10, 0x50}, 0, 2)).isTrue();
        assertThat(Vp8.isKeyframeStart(new byte[] {0x10, 0x51}, 0, 2)).isFalse();
        assertThat(Vp8.isKeyframeStart(new byte[] {0x00, 0x50}, 0, 2)).isFalse();     // not a partition start
        assertThat(Vp8.isKeyframeStart(new byte[] {(byte) 0x90, (byte) 0x80, (byte) 0x81, 0x23, 0x50}, 0, 5)).isTrue();
        assertThat(Vp8.isKeyframeStart(new byte[] {(byte) 0x90, (byte) 0x80}, 0, 2)).isFalse(); // truncated
        byte[] key = {0x10, 0x50, 0, 0, (byte) 0x9d, 1, 0x2a, 0x40, 0x01, (byte) 0xf0, 0x00};
        assertThat(Vp8.keyframeHeight(key, 0, key.length)).isEqualTo(240);
    }

    @Test
    void theHandBuiltFuzzSeedsAreWhatTheirNamesSay() throws Exception {
        byte[] key = seed("vp8/keyframe-minimal-descriptor");
        assertThat(Vp8.isKeyframeStart(key, 0, key.length)).isTrue();
        assertThat(Vp8.keyframeHeight(key, 0, key.length)).isEqualTo(240);
        byte[] ext = seed("vp8/keyframe-extended-descriptor");
        assertThat(Vp8.descriptorLength(ext, 0, ext.length)).isEqualTo(6);
        assertThat(Vp8.isKeyframeStart(ext, 0, ext.length)).isTrue();
        assertThat(Vp8.keyframeHeight(ext, 0, ext.length)).isEqualTo(480);
        byte[] inter = seed("vp8/interframe-7bit-picture-id");
        assertThat(Vp8.descriptorLength(inter, 0, inter.length)).isEqualTo(3);
        assertThat(Vp8.isKeyframeStart(inter, 0, inter.length)).isFalse();
        byte[] cont = seed("vp8/continuation-with-keyidx");
        assertThat(Vp8.descriptorLength(cont, 0, cont.length)).isEqualTo(3);
        assertThat(Vp8.isKeyframeStart(cont, 0, cont.length)).isFalse();
        for (String keyframe : new String[] {"single-nal-idr", "stap-a-sps-pps", "fu-a-idr-start"}) {
            byte[] b = seed("h264/" + keyframe);
            assertThat(H264.isKeyframeStart(b, 0, b.length)).as(keyframe).isTrue();
        }
        for (String other : new String[] {"single-nal-non-idr", "fu-a-idr-middle", "fu-a-idr-end",
                "regression-stap-a-empty-unit", "regression-stap-a-overlong-unit"}) {
            byte[] b = seed("h264/" + other);
            assertThat(H264.isKeyframeStart(b, 0, b.length)).as(other).isFalse();
        }
    }

    private static byte[] seed(String name) throws java.io.IOException {
        try (var in = ForwardingPartsTest.class.getResourceAsStream("/dev/porta/media/fuzz/ParserFuzzTestInputs/" + name)) {
            return in.readAllBytes();
        }
    }
}
