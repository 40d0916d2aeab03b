// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordedMediaTest {
    @Test
    void theRecordedFilesHoldOpusPacketsAndThreeVp8LayersThatStartOnKeyframes() {
        RecordedMedia m = RecordedMedia.load();

        assertThat(m.opus()).hasSizeGreaterThan(250); // 6 s of 20 ms packets
        assertThat(m.loopMicros()).isBetween(5_000_000L, 6_100_000L);
        assertThat(m.layers()).extracting(RecordedMedia.Layer::rid).containsExactly("q", "h", "f");
        for (RecordedMedia.Layer l : m.layers()) {
            assertThat(l.frames().get(0).keyframe()).isTrue();
            assertThat(l.frames()).filteredOn(RecordedMedia.Frame::keyframe).hasSizeGreaterThanOrEqualTo(2);
            assertThat(l.frames()).hasSizeGreaterThan(170); // 30 fps
        }
        // a higher layer carries more bytes
        assertThat(bytes(m.layers().get(2))).isGreaterThan(bytes(m.layers().get(0)));
    }

    @Test
    void theDelayHistogramReportsQuantilesFromItsBuckets() {
        Totals.DelayHistogram h = new Totals.DelayHistogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i * 100L); // 0.1 .. 10 ms
        }
        assertThat(h.quantileMillis(0.5)).isBetween(4.9, 5.1);
        assertThat(h.quantileMillis(0.99)).isBetween(9.8, 10.0);
        h.record(5_000_000L);
        assertThat(h.quantileMillis(1.0)).isEqualTo(1000.0);
    }

    private static long bytes(RecordedMedia.Layer l) {
        return l.frames().stream().mapToLong(f -> f.data().length).sum();
    }
}
