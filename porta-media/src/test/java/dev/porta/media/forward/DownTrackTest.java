// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.api.TrackSource;
import dev.porta.media.sdp.SubscribeOfferWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One published track as one subscriber receives it, on the socket-free {@link ForwardingHarness}. */
class DownTrackTest {
    private final ForwardingHarness h = new ForwardingHarness();

    @Test
    void aLayerSwitchWaitsForTheNewLayersKeyframeAndTheSubscriberSeesOneContinuousStream() {
        UpTrack camera = h.publish(TrackSource.CAMERA, "q", "h");
        UpStream low = camera.streams.get(0);
        UpStream high = camera.streams.get(1);
        DownTrack d = camera.downs.get(0);
        d.forwarding = true;
        d.setTarget(low, h.now);
        h.send(low, 100, 9000, ForwardingHarness.vp8Keyframe());
        h.send(low, 101, 12000, ForwardingHarness.vp8Delta());
        assertThat(h.sentOn(d.ssrc)).hasSize(2);

        long plisBefore = high.keyframeRequests;
        d.setTarget(high, h.now);
        assertThat(high.keyframeRequests).as("switching asks the new layer for a keyframe").isEqualTo(plisBefore + 1);
        h.now += 500;
        h.send(high, 5000, 700_000, ForwardingHarness.vp8Delta()); // the new layer's delta frame: not yet
        h.send(low, 102, 15000, ForwardingHarness.vp8Delta()); // the old layer carries on meanwhile
        assertThat(h.sentOn(d.ssrc)).hasSize(3);
        assertThat(d.current).isSameAs(low);

        h.send(high, 5001, 703_000, ForwardingHarness.vp8Keyframe());
        h.send(low, 103, 18000, ForwardingHarness.vp8Delta()); // old layer after the switch: dropped
        h.send(high, 5002, 706_000, ForwardingHarness.vp8Delta());
        assertThat(d.current).isSameAs(high);
        List<ForwardingHarness.Sent> out = h.sentOn(d.ssrc);
        assertThat(out).hasSize(5);
        for (int i = 1; i < out.size(); i++) {
            assertThat(out.get(i).seq()).as("packet %d follows on", i).isEqualTo((out.get(0).seq() + i) & 0xFFFF);
            assertThat(out.get(i).ts() - out.get(i - 1).ts()).as("time moves forward at %d", i).isPositive();
        }
        assertThat(out.get(3).firstPayloadByte()).isEqualTo((byte) 0x10);
        assertThat(out).allMatch(s -> s.payloadType() == SubscribeOfferWriter.VP8_PT);
    }

    @Test
    void audioFlowsFromItsFirstPacketWithoutWaitingForAnything() {
        UpTrack mic = h.publish(TrackSource.MICROPHONE);
        DownTrack d = mic.downs.get(0);
        assertThat(d.forwarding).as("audio is forwarded without any allocation").isTrue();
        h.send(mic.streams.get(0), 7, 960, new byte[] {0x78, 1, 2, 3});
        assertThat(h.sentOn(d.ssrc)).singleElement()
                .satisfies(s -> assertThat(s.payloadType()).isEqualTo(SubscribeOfferWriter.OPUS_PT));
    }

    @Test
    void probePaddingGoesOnTheRtxStreamOfAStartedTrackAndCountsForTheEstimate() {
        UpTrack camera = h.publish(TrackSource.CAMERA);
        DownTrack d = camera.downs.get(0);
        d.forwarding = true;
        d.setTarget(camera.streams.get(0), h.now);
        assertThat(d.canPad()).as("no RTX stream the subscriber has seen yet").isFalse();
        h.send(camera.streams.get(0), 1, 3000, ForwardingHarness.vp8Keyframe());
        assertThat(d.canPad()).isTrue();
        d.sendPadding(200, h.now);
        d.sendPadding(DownTrack.MAX_PADDING, h.now);
        List<ForwardingHarness.Sent> rtx = h.sentOn(d.rtxSsrc);
        assertThat(rtx).hasSize(2).allMatch(s -> s.padded() && s.payloadLength() == 0
                && s.payloadType() == SubscribeOfferWriter.RTX_PT);
        assertThat(rtx.get(1).seq()).isEqualTo((rtx.get(0).seq() + 1) & 0xFFFF);
        assertThat(d.paddingPackets).isEqualTo(2);
        assertThat(h.sentOn(d.ssrc)).as("the media stream is untouched").hasSize(1);
    }
}
