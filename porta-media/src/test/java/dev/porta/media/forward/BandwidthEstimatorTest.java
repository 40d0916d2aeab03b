// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.bwe.BandwidthUsage;
import dev.porta.media.bwe.ProbeController;
import org.junit.jupiter.api.Test;

/**
 * The send-side estimate over a simulated bottleneck on a fake clock ({@link SimulatedPath}): the
 * delay-based part must see a growing queue before anything is lost, let the estimate climb while
 * delay is steady, and the estimate used for allocation is the lower of the two parts.
 */
class BandwidthEstimatorTest {
    @Test
    void aQueueThatStartsGrowingLowersTheEstimateBeforeAnyPacketIsLost() {
        BandwidthEstimator bwe = new BandwidthEstimator(1_500_000, 100_000, 10_000_000);
        SimulatedPath path = new SimulatedPath(bwe, 3_000_000, 2_000_000);
        path.run(5_000); // settled: sending its 1.5-2 Mbit/s through a 3 Mbit/s path
        assertThat(bwe.usage()).isNotEqualTo(BandwidthUsage.OVERUSING);
        long before = bwe.estimateBps();
        assertThat(before).isGreaterThan(1_500_000);

        path.capacityBps = 1_000_000; // the train enters a tunnel
        long cutAt = -1;
        long queueAtCut = -1;
        for (int i = 0; i < 300 && cutAt < 0; i++) {
            path.run(10);
            if (bwe.lastDecreaseMillis() > 0) {
                cutAt = path.nowMillis;
                queueAtCut = path.queueDelayMillis();
            }
        }
        System.out.printf("capacity 3 -> 1 Mbit/s: estimate %d -> %d bit/s after %d ms, queue %d ms at the cut%n",
                before, bwe.estimateBps(), cutAt - 5_000, queueAtCut);
        assertThat(cutAt).as("the delay-based part cut the estimate").isPositive();
        assertThat(path.lostPackets).as("the router's 500 ms buffer never overflowed").isZero();
        assertThat(bwe.lossRatio()).isZero();
        assertThat(bwe.estimateBps()).isLessThan(before);

        path.run(5_000);
        System.out.printf("5 s later: estimate %d bit/s, queue %d ms%n", bwe.estimateBps(), path.queueDelayMillis());
        assertThat(bwe.estimateBps()).isBetween(500_000L, 1_300_000L);
        assertThat(path.lostPackets).as("the queue stayed within the router's buffer throughout").isZero();
    }

    @Test
    void steadyDelayLetsTheEstimateClimb() {
        BandwidthEstimator bwe = new BandwidthEstimator(300_000, 100_000, 10_000_000);
        SimulatedPath path = new SimulatedPath(bwe, 10_000_000, 8_000_000);
        long previous = bwe.estimateBps();
        for (int second = 0; second < 10; second++) {
            path.run(1_000);
            assertThat(bwe.estimateBps()).as("second %d", second).isGreaterThanOrEqualTo(previous);
            previous = bwe.estimateBps();
        }
        System.out.printf("10 s of steady delay: 300000 -> %d bit/s (delay-based %d, loss-based %d)%n",
                bwe.estimateBps(), bwe.delayBasedBps(), bwe.lossBasedBps());
        assertThat(bwe.estimateBps()).isGreaterThan(600_000);
        assertThat(bwe.usage()).isEqualTo(BandwidthUsage.NORMAL);
        assertThat(path.maxQueueMicros).as("at most a frame's own packets queue behind each other").isLessThan(10_000);
    }

    @Test
    void theEstimateIsTheLowerOfTheDelayBasedAndTheLossBasedOnes() {
        // heavy random-looking loss on a path with room to spare: loss-based is the lower
        BandwidthEstimator lossy = new BandwidthEstimator(2_000_000, 100_000, 10_000_000);
        SimulatedPath lossyPath = new SimulatedPath(lossy, 20_000_000, 5_000_000);
        lossyPath.lossEvery = 4;
        lossyPath.run(3_000);
        assertThat(lossy.lossBasedBps()).isLessThan(lossy.delayBasedBps());
        assertThat(lossy.estimateBps()).isEqualTo(lossy.lossBasedBps()).isLessThan(2_000_000);

        // a queue and no loss: delay-based is the lower
        BandwidthEstimator queued = new BandwidthEstimator(2_000_000, 100_000, 10_000_000);
        SimulatedPath queuedPath = new SimulatedPath(queued, 3_000_000, 2_000_000);
        queuedPath.run(3_000);
        queuedPath.capacityBps = 1_500_000;
        queuedPath.run(3_000);
        assertThat(queuedPath.lostPackets).isZero();
        assertThat(queued.delayBasedBps()).isLessThan(queued.lossBasedBps());
        assertThat(queued.estimateBps()).isEqualTo(queued.delayBasedBps()).isLessThan(1_500_000);
    }

    @Test
    void afterCongestionClearsProbesBringTheEstimateBackToWhatTheLayersWantFarSoonerThanWaiting() {
        long[] recovered = new long[2];
        for (int withProbes = 0; withProbes < 2; withProbes++) {
            BandwidthEstimator bwe = new BandwidthEstimator(1_000_000, 100_000, 10_000_000);
            SimulatedPath path = new SimulatedPath(bwe, 800_000, 2_500_000);
            if (withProbes == 1) {
                path.prober = new ProbeController(1_500_000);
            }
            path.run(8_000); // congested: the estimate settles below 800 kbit/s
            assertThat(bwe.estimateBps()).isLessThan(900_000);
            long lostWhileCongested = path.lostPackets;
            path.capacityBps = 5_000_000; // out of the tunnel
            long start = path.nowMillis;
            while (bwe.estimateBps() < 2_400_000 && path.nowMillis - start < 60_000) {
                path.run(100);
            }
            recovered[withProbes] = path.nowMillis - start;
            if (withProbes == 1) {
                System.out.printf("back to 2.4 Mbit/s after the cap lifted: %d ms with probes (%d probes, %d succeeded,"
                        + " %d padding packets), %d ms without; lost %d while congested, %d after%n", recovered[1],
                        path.prober.probes(), path.prober.successes(), path.paddingPackets, recovered[0],
                        lostWhileCongested, path.lostPackets - lostWhileCongested);
                assertThat(path.prober.successes()).isPositive();
                assertThat(path.lostPackets - lostWhileCongested).as("climbing back lost nothing").isZero();
            }
        }
        assertThat(recovered[1]).isLessThan(8_000).isLessThan(recovered[0] / 2);
    }

    @Test
    void aReceiverThatStallsNowAndThenDoesNotCollapseTheEstimateOfALowLayer() {
        // the SFU forwards only a 300 kbit/s layer over a fast path; the subscriber's CPU stalls 150 ms
        // every 2 s, so its timestamps show delay rising and falling while every packet gets through
        BandwidthEstimator bwe = new BandwidthEstimator(1_500_000, 100_000, 10_000_000);
        SimulatedPath path = new SimulatedPath(bwe, 20_000_000, 300_000);
        path.run(3_000);
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            path.stallReceiver(150);
            for (int t = 0; t < 20; t++) {
                path.run(100);
                lowest = Math.min(lowest, bwe.estimateBps());
            }
        }
        System.out.printf("receiver stalls: lowest estimate %d bit/s, last delay-based cut at %d%n", lowest,
                bwe.lastDecreaseMillis());
        assertThat(lowest).isGreaterThanOrEqualTo(1_000_000);
        assertThat(bwe.lastDecreaseMillis()).isEqualTo(-1);
    }

    @Test
    void aRembCapsBothParts() {
        BandwidthEstimator bwe = new BandwidthEstimator(2_000_000, 100_000, 10_000_000);
        bwe.remb(700_000);
        assertThat(bwe.estimateBps()).isEqualTo(700_000);
        assertThat(bwe.delayBasedBps()).isEqualTo(700_000);
        assertThat(bwe.lossBasedBps()).isEqualTo(700_000);
    }
}
