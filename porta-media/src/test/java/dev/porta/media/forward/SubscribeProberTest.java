// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.api.TrackSource;
import dev.porta.media.sdp.SubscribeOfferWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The probe glue between a subscriber's estimate, its layers and its down-tracks, on the socket-free
 * {@link ForwardingHarness} (the probe decision itself: {@code ProbeControllerTest}).
 */
class SubscribeProberTest {
    private final ForwardingHarness h = new ForwardingHarness();
    private final SubscribeProber prober = new SubscribeProber(h.ctx.config.maxBitrate());
    private int tccSeq = 30_000;

    /** A camera whose full layer (2.5 Mbit/s) is far above an estimate of 1.2 Mbit/s, forwarded at its 300 kbit/s layer. */
    private DownTrack cameraBelowWhatItWants() {
        UpTrack camera = h.publish(TrackSource.CAMERA, "q", "h", "f");
        ForwardingHarness.measured(camera.streams.get(0), 150_000, 180, h.now);
        ForwardingHarness.measured(camera.streams.get(1), 300_000, 360, h.now);
        ForwardingHarness.measured(camera.streams.get(2), 2_500_000, 720, h.now);
        BandwidthEstimator bwe = h.subscriber.subscribe.bwe;
        bwe.remb(1_200_000);
        for (int i = 0; i < 30; i++) { // feedback shows what arrives, 10 ms apart with a steady delay
            long sent = (h.now + 10L * i) * 1000;
            bwe.sent(tccSeq, 1200, sent);
            bwe.feedback(tccSeq++, sent + 20_000);
        }
        assertThat(bwe.incomingBps()).isPositive();
        h.subscriber.allocate(h.now);
        DownTrack d = camera.downs.get(0);
        assertThat(d.target.rid).isEqualTo("h");
        assertThat(h.subscriber.allocatedVideoBps).isEqualTo(300_000);
        assertThat(h.subscriber.wantedVideoBps).isEqualTo(2_500_000);
        return d;
    }

    @Test
    void aSubscriberBelowItsLayersGetsProbePaddingOnTheRtxStreamOfItsCameraBoundedPerTick() {
        DownTrack d = cameraBelowWhatItWants();
        prober.tick(h.subscriber, h.now);
        h.now += 20;
        prober.tick(h.subscriber, h.now);
        assertThat(h.sentOn(d.rtxSsrc)).as("no padding before the track has started").isEmpty();

        h.send(d.target, 1, 3000, ForwardingHarness.vp8Keyframe());
        h.now += 20;
        prober.tick(h.subscriber, h.now);
        // target min(2.5 M wanted, 2 × 1.2 M) = 2.4 M; padding min(1.5 M bound, 2.4 M - 300 k) = 1.5 M:
        // 1.5 Mbit/s over 20 ms is 3,750 bytes, 15 packets of at most 255
        List<ForwardingHarness.Sent> padding = h.sentOn(d.rtxSsrc);
        assertThat(padding).hasSize(15).allMatch(s -> s.padded() && s.payloadLength() == 0
                && s.payloadType() == SubscribeOfferWriter.RTX_PT);
        assertThat(h.sentOn(d.ssrc)).as("the media stream carries only the media").hasSize(1);

        h.now += 100; // a late tick: its padding is bounded, not caught up
        prober.tick(h.subscriber, h.now);
        assertThat(h.sentOn(d.rtxSsrc)).hasSize(15 + SubscribeProber.MAX_PADDING_PACKETS_PER_TICK);
    }

    @Test
    void aSubscriberWhoseLayersFitItsEstimateGetsNoPadding() {
        DownTrack d = cameraBelowWhatItWants();
        h.send(d.target, 1, 3000, ForwardingHarness.vp8Keyframe());
        h.subscriber.subscribe.bwe.probed(5_000_000, h.now);
        h.subscriber.allocate(h.now);
        assertThat(d.target.rid).isEqualTo("f");
        assertThat(d.canPad()).as("a track that could carry padding").isTrue();
        for (int i = 0; i < 100; i++) {
            prober.tick(h.subscriber, h.now);
            h.now += 20;
        }
        assertThat(h.sentOn(d.rtxSsrc)).isEmpty();
    }
}
