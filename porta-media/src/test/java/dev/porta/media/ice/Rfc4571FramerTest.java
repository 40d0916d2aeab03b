// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Rfc4571FramerTest {
    private final List<String> frames = new ArrayList<>();
    private final Rfc4571Framer framer = new Rfc4571Framer(16);

    private boolean feed(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return framer.feed(b, 0, b.length, (f, o, l) -> frames.add(HexFormat.of().formatHex(f, o, o + l)));
    }

    @Test
    void framesSplitAcrossReadsAndSeveralInOneReadComeOutWhole() {
        assertThat(feed("0003aa")).isTrue();
        assertThat(frames).isEmpty();
        assertThat(feed("bbcc0001dd00")).isTrue();
        assertThat(frames).containsExactly("aabbcc", "dd");
        assertThat(framer.buffered()).as("half a length prefix waits").isEqualTo(1);
        assertThat(feed("02eeff")).isTrue();
        assertThat(frames).containsExactly("aabbcc", "dd", "eeff");
        assertThat(framer.buffered()).isZero();
    }

    @Test
    void aLengthAboveTheLimitBreaksTheStreamForGood() {
        assertThat(feed("0011")).isFalse();
        assertThat(framer.broken()).isTrue();
        assertThat(feed("0001aa")).as("nothing after it is read").isFalse();
        assertThat(frames).isEmpty();
        assertThat(framer.buffered()).isZero();
    }

    @Test
    void aZeroLengthBreaksTheStream() {
        assertThat(feed("0001aa0000")).isFalse();
        assertThat(frames).containsExactly("aa");
    }

    @Test
    void aFrameOfExactlyTheLimitPassesAndTheBufferNeverHoldsMoreThanOneFrame() {
        assertThat(feed("0010" + "ab".repeat(15))).isTrue();
        assertThat(framer.buffered()).isEqualTo(17);
        assertThat(feed("ab" + "0010" + "cd".repeat(16))).isTrue();
        assertThat(frames).containsExactly("ab".repeat(16), "cd".repeat(16));
    }
}
