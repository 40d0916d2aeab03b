// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

import static dev.porta.media.bwe.BandwidthUsage.NORMAL;
import static dev.porta.media.bwe.BandwidthUsage.OVERUSING;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When probing starts, how much padding it asks for and for how long, and what it concludes; fake clock. */
class ProbeControllerTest {
    private final ProbeController probe = new ProbeController(1_500_000);
    private long now = 10_000;

    private void tick(long estimate, long wanted, long arrived, BandwidthUsage usage, long lastDecrease) {
        now += 20;
        probe.tick(now, estimate, wanted, arrived, usage, lastDecrease);
    }

    @Test
    void aSubscriberWhoseLayersFitTheEstimateIsNeverProbed() {
        for (int i = 0; i < 500; i++) {
            tick(2_000_000, 2_100_000, 2_000_000, NORMAL, -1);
            assertThat(probe.paddingBps(2_000_000)).isZero();
        }
        assertThat(probe.probes()).isZero();
    }

    @Test
    void aSubscriberThatSendsNoFeedbackIsNeverProbed() {
        for (int i = 0; i < 500; i++) {
            tick(500_000, 2_500_000, -1, NORMAL, -1);
        }
        assertThat(probe.probes()).isZero();
    }

    @Test
    void aProbeWaitsForTheQueueOfTheLastCutToDrainThenPadsUpToTwiceTheEstimateForLongerThanTheRateWindow() {
        long cut = now;
        tick(500_000, 2_500_000, 500_000, NORMAL, cut);
        assertThat(probe.state()).isEqualTo(ProbeController.State.IDLE);
        while (now - cut < ProbeController.AFTER_DECREASE_MILLIS) {
            assertThat(probe.paddingBps(500_000)).isZero();
            tick(500_000, 2_500_000, 500_000, NORMAL, cut);
        }
        assertThat(probe.state()).isEqualTo(ProbeController.State.PROBING);
        assertThat(probe.targetBps()).isEqualTo(1_000_000);
        assertThat(probe.paddingBps(450_000)).isEqualTo(550_000);
        long padded = 0;
        while (probe.state() == ProbeController.State.PROBING) {
            padded += 20;
            tick(500_000, 2_500_000, 600_000, NORMAL, cut);
        }
        assertThat(padded).isBetween(ProbeController.PROBE_MILLIS - 20, ProbeController.PROBE_MILLIS + 20);
        assertThat(probe.paddingBps(500_000)).isZero();
    }

    @Test
    void paddingNeverExceedsItsBoundNorThePathToWhatIsWanted() {
        ProbeController big = new ProbeController(300_000);
        big.tick(now, 1_000_000, 10_000_000, 1_000_000, NORMAL, -1);
        assertThat(big.targetBps()).isEqualTo(2_000_000);
        assertThat(big.paddingBps(1_000_000)).isEqualTo(300_000);
        ProbeController small = new ProbeController(3_000_000);
        small.tick(now, 1_000_000, 1_300_000, 1_000_000, NORMAL, -1);
        assertThat(small.targetBps()).isEqualTo(1_300_000);
        assertThat(small.paddingBps(1_000_000)).isEqualTo(300_000);
    }

    @Test
    void aProbeThatArrivesInFullRaisesTheEstimateAndTheNextFollowsSoon() {
        tick(800_000, 3_000_000, 800_000, NORMAL, -1);
        assertThat(probe.state()).isEqualTo(ProbeController.State.PROBING);
        for (int i = 0; i < 40 && probe.state() != ProbeController.State.IDLE; i++) {
            tick(800_000, 3_000_000, i < 10 ? 900_000 : 1_580_000, NORMAL, -1);
        }
        assertThat(probe.takeResult()).isEqualTo(1_580_000);
        assertThat(probe.takeResult()).as("handed over once").isEqualTo(-1);
        long done = now;
        while (probe.state() == ProbeController.State.IDLE) {
            tick(1_580_000, 3_000_000, 1_580_000, NORMAL, -1);
        }
        assertThat(now - done).isBetween(ProbeController.AFTER_SUCCESS_MILLIS, ProbeController.AFTER_SUCCESS_MILLIS + 20);
        assertThat(probe.targetBps()).isEqualTo(3_000_000);
        assertThat(probe.successes()).isEqualTo(1);
    }

    @Test
    void aProbeThatCausesOveruseStopsAtOnceAndTheNextWaitsLongerEachTimeUpToEightSeconds() {
        long previousGap = 0;
        for (int attempt = 0; attempt < 4; attempt++) {
            while (probe.state() == ProbeController.State.IDLE) {
                tick(1_000_000, 3_000_000, 1_000_000, NORMAL, -1);
            }
            long started = now;
            tick(1_000_000, 3_000_000, 1_100_000, OVERUSING, -1);
            assertThat(probe.state()).isEqualTo(ProbeController.State.IDLE);
            assertThat(probe.paddingBps(1_000_000)).isZero();
            assertThat(probe.takeResult()).isEqualTo(-1);
            long failed = now;
            while (probe.state() == ProbeController.State.IDLE) {
                tick(1_000_000, 3_000_000, 1_000_000, NORMAL, -1);
            }
            long gap = now - failed;
            assertThat(gap).isGreaterThanOrEqualTo(Math.min(2 * previousGap, ProbeController.MAX_BACKOFF_MILLIS))
                    .isLessThanOrEqualTo(ProbeController.MAX_BACKOFF_MILLIS + 20);
            assertThat(started).isLessThan(failed);
            previousGap = gap;
        }
        assertThat(previousGap).as("capped").isBetween(ProbeController.MAX_BACKOFF_MILLIS, ProbeController.MAX_BACKOFF_MILLIS + 20);
    }

    @Test
    void aProbeThatDoesNotArriveInFullTeachesNothing() {
        tick(1_000_000, 3_000_000, 1_000_000, NORMAL, -1);
        for (int i = 0; i < 100 && probe.state() != ProbeController.State.IDLE; i++) {
            tick(1_000_000, 3_000_000, 1_200_000, NORMAL, -1); // the path gives 1.2 of the 2 Mbit/s asked
        }
        assertThat(probe.state()).isEqualTo(ProbeController.State.IDLE);
        assertThat(probe.takeResult()).isEqualTo(-1);
        assertThat(probe.successes()).isZero();
    }
}
