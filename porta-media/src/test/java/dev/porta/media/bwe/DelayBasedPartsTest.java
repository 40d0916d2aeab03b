// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The delay-based estimator's parts, each driven by explicit send and arrival times (a fake clock). */
class DelayBasedPartsTest {
    @Test
    void packetsSentWithinFiveMillisecondsFormOneGroupMeasuredAgainstTheGroupBefore() {
        InterArrival ia = new InterArrival();
        // group 1: three packets sent at 0, 1, 2 ms
        assertThat(ia.packet(0, 50_000, 1200)).isFalse();
        assertThat(ia.packet(1_000, 51_000, 1200)).isFalse();
        assertThat(ia.packet(2_000, 52_000, 1200)).isFalse();
        // group 2 starts 20 ms later: closes nothing yet (no group before group 1)
        assertThat(ia.packet(20_000, 75_000, 1200)).isFalse();
        assertThat(ia.packet(24_000, 79_000, 1200)).isFalse();
        // group 3 closes group 2: sent 22 ms after group 1's last packet, arrived 27 ms after
        assertThat(ia.packet(40_000, 100_000, 1200)).isTrue();
        assertThat(ia.sendDeltaMicros()).isEqualTo(22_000);
        assertThat(ia.arrivalDeltaMicros()).isEqualTo(27_000);
        assertThat(ia.completedBytes()).isEqualTo(2400);
    }

    @Test
    void aBurstReleasedByTheNetworkJoinsTheGroupItArrivedWith() {
        InterArrival ia = new InterArrival();
        ia.packet(0, 10_000, 100);
        ia.packet(20_000, 30_000, 100);
        // sent 10 ms later but arrived 1 ms after the packet before: held and released together
        assertThat(ia.packet(30_000, 31_000, 100)).isFalse();
        assertThat(ia.packet(60_000, 70_000, 100)).isTrue();
        assertThat(ia.sendDeltaMicros()).isEqualTo(30_000);
        assertThat(ia.arrivalDeltaMicros()).isEqualTo(21_000);
    }

    @Test
    void aRisingDelayGivesAPositiveTrendAndASteadyOneNone() {
        TrendlineEstimator rising = new TrendlineEstimator();
        TrendlineEstimator steady = new TrendlineEstimator();
        for (int i = 1; i <= 80; i++) {
            rising.update(2.0, i * 20_000L); // each 20 ms group arrives 2 ms later than it was sent
            steady.update(i % 2 == 0 ? 3.0 : -3.0, i * 20_000L); // jitter without a trend
        }
        assertThat(rising.trend()).isGreaterThan(OveruseDetector.INITIAL_THRESHOLD_MS);
        assertThat(Math.abs(steady.trend())).isLessThan(OveruseDetector.INITIAL_THRESHOLD_MS);
    }

    @Test
    void overuseNeedsTheTrendAboveTheThresholdForMoreThanOneGroupAndTenMilliseconds() {
        OveruseDetector d = new OveruseDetector();
        assertThat(d.detect(20, 5, 0)).isEqualTo(BandwidthUsage.NORMAL);
        assertThat(d.detect(21, 5, 5_000)).isEqualTo(BandwidthUsage.NORMAL);
        assertThat(d.detect(22, 5, 10_000)).isEqualTo(BandwidthUsage.OVERUSING);
        assertThat(d.detect(0, 5, 15_000)).isEqualTo(BandwidthUsage.NORMAL);
        assertThat(d.detect(-20, 5, 20_000)).isEqualTo(BandwidthUsage.UNDERUSING);
    }

    @Test
    void theThresholdRisesQuicklyUnderAStandingTrendAndFallsSlowlyWithinLimits() {
        OveruseDetector d = new OveruseDetector();
        long t = 0;
        for (int i = 0; i < 100; i++) {
            d.detect(20, 20, t += 20_000); // within the spike margin: the threshold follows it up
        }
        double raised = d.thresholdMs();
        assertThat(raised).isGreaterThan(OveruseDetector.INITIAL_THRESHOLD_MS + 5);
        for (int i = 0; i < 10; i++) { // 200 ms without a trend lowers it by under 2 ms
            d.detect(0, 20, t += 20_000);
        }
        assertThat(d.thresholdMs()).isLessThan(raised).isGreaterThan(raised - 2);
        for (int i = 0; i < 100_000; i++) {
            d.detect(0, 20, t += 20_000);
        }
        assertThat(d.thresholdMs()).isEqualTo(OveruseDetector.MIN_THRESHOLD_MS);
    }

    @Test
    void overuseCutsTo85PercentOfWhatArrivedAndNormalGrowsAgain() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 100_000, 10_000_000);
        assertThat(aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000)).isEqualTo(850_000);
        assertThat(aimd.state()).isEqualTo(AimdRateControl.State.HOLD);
        assertThat(aimd.update(BandwidthUsage.UNDERUSING, 800_000, 1_100)).isEqualTo(850_000);
        long t = 1_100;
        long last = 850_000;
        for (int i = 0; i < 20; i++) {
            long next = aimd.update(BandwidthUsage.NORMAL, 840_000, t += 100);
            assertThat(next).isGreaterThan(last);
            last = next;
        }
        assertThat(aimd.update(BandwidthUsage.NORMAL, 100_000, t + 100))
                .as("never far above what the receiver actually gets").isEqualTo(last);
    }
}
