// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.api.TrackSource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which video a subscriber receives at which layer, for a given estimate; socket-free, fake clock. */
class LayerAllocatorTest {
    private final ForwardingHarness h = new ForwardingHarness();

    private UpTrack camera() {
        UpTrack camera = h.publish(TrackSource.CAMERA, "q", "h", "f");
        ForwardingHarness.measured(camera.streams.get(0), 150_000, 180, h.now);
        ForwardingHarness.measured(camera.streams.get(1), 500_000, 360, h.now);
        ForwardingHarness.measured(camera.streams.get(2), 1_500_000, 720, h.now);
        return camera;
    }

    private void estimate(long bps) {
        h.subscriber.subscribe.bwe.probed(bps, h.now);
        h.subscriber.subscribe.bwe.remb(bps);
        assertThat(h.subscriber.subscribe.bwe.estimateBps()).isEqualTo(bps);
    }

    private void allocate() {
        LayerAllocator.allocate(h.subscriber, 9, Set.of(), Map.of(), h.now);
    }

    @Test
    void theBestLayerTheEstimateCoversIsChosenAndALowerEstimateStepsDown() {
        UpTrack camera = camera();
        DownTrack d = camera.downs.get(0);
        estimate(2_000_000);
        allocate();
        assertThat(d.target.rid).isEqualTo("f");
        estimate(1_000_000);
        allocate();
        assertThat(d.target.rid).isEqualTo("h");
        assertThat(h.subscriber.allocatedVideoBps).isEqualTo(500_000);
        assertThat(h.subscriber.wantedVideoBps).as("what a probe would climb to").isEqualTo(1_500_000);
    }

    @Test
    void aMaxHeightCapsTheLayerAndWhatIsWanted() {
        UpTrack camera = camera();
        estimate(5_000_000);
        LayerAllocator.allocate(h.subscriber, 9, Set.of(), Map.of("alice/camera", 360), h.now);
        assertThat(camera.downs.get(0).target.rid).isEqualTo("h");
        assertThat(h.subscriber.wantedVideoBps).isEqualTo(500_000);
    }

    @Test
    void audioIsNeverStarvedEvenWhenTheEstimateCoversNoVideoLayer() {
        UpTrack mic = h.publish(TrackSource.MICROPHONE);
        UpTrack camera = camera();
        estimate(100_000); // below the lowest layer
        allocate();
        DownTrack video = camera.downs.get(0);
        assertThat(video.target.rid).as("the lowest layer when nothing fits").isEqualTo("q");
        DownTrack audio = mic.downs.get(0);
        assertThat(audio.forwarding).isTrue();
        for (int i = 0; i < 50; i++) {
            h.now += 20;
            h.send(mic.streams.get(0), i, 960L * i, new byte[] {0x78, 1, 2});
        }
        assertThat(h.sentOn(audio.ssrc)).hasSize(50);
    }

    @Test
    void aScreenShareIsServedBeforeCameras() {
        UpTrack cam = camera();
        UpTrack screen = h.publish(TrackSource.SCREEN, "lo", "hi");
        ForwardingHarness.measured(screen.streams.get(0), 300_000, 540, h.now);
        ForwardingHarness.measured(screen.streams.get(1), 1_000_000, 1080, h.now);
        estimate(1_200_000);
        allocate();
        assertThat(screen.downs.get(0).target.rid).isEqualTo("hi");
        assertThat(cam.downs.get(0).target.rid).isEqualTo("q");
    }
}
