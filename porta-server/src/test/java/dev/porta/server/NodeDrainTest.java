// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a draining node decides to exit: no meeting left, or past its deadline; once. */
class NodeDrainTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final NodeDrain drain = new NodeDrain(clock);

    @Test
    void aDrainingNodeWithLiveMeetingsWaitsUntilTheyEndOrTheDeadlinePasses() {
        assertThat(drain.exitNow(0)).as("not draining").isFalse();
        drain.start("porta admin drain", Duration.ofMinutes(30));

        assertThat(drain.exitNow(2)).isFalse();
        clock.advance(Duration.ofMinutes(30));
        assertThat(drain.exitNow(2)).as("deadline").isTrue();
        assertThat(drain.exitNow(0)).as("only once").isFalse();
        assertThat(drain.cancel()).as("too late to undrain").isFalse();
    }

    @Test
    void undrainBeforeTheLastMeetingEndsKeepsTheNodeRunning() {
        drain.start("porta admin drain", Duration.ofMinutes(30));
        assertThat(drain.cancel()).isTrue();

        assertThat(drain.draining()).isFalse();
        assertThat(drain.reason()).isEmpty();
        assertThat(drain.exitNow(0)).isFalse();
    }

    @Test
    void aStopAfterAnAdminDrainKeepsTheEarlierDeadlineAndLeavesTheExitToTheStop() {
        drain.start("porta admin drain", Duration.ofSeconds(10));
        drain.startStopping(Duration.ofMinutes(5));
        clock.advance(Duration.ofSeconds(10));

        assertThat(drain.overdue()).isTrue();
        assertThat(drain.exitNow(0)).as("the stop exits, not the heartbeat").isFalse();
    }
}
