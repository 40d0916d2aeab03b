// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuMeterTest {
    private final AtomicLong cpu = new AtomicLong(5_000_000_000L);

    @Test
    void theSteadyWindowCountsOnlyItsSamplesAndTheWholeRunCountsEveryOne() {
        CpuMeter meter = new CpuMeter(cpu::get);
        cpu.addAndGet(2_000_000_000L); // joins: 2 s of CPU
        assertThat(meter.sample(false)).isCloseTo(2.0, within(1e-9));
        cpu.addAndGet(500_000_000L);
        meter.sample(true);
        cpu.addAndGet(500_000_000L);
        meter.sample(true);

        assertThat(meter.steadySeconds()).isCloseTo(1.0, within(1e-9));
        assertThat(meter.wholeSeconds()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void aProcessWhoseCpuCannotBeReadIsUnknownNotFree() {
        CpuMeter unnamed = new CpuMeter(() -> -1); // a running Porta attached without --pid
        unnamed.sample(true);
        unnamed.sample(true);

        assertThat(unnamed.steadySeconds()).isNaN();
        assertThat(CpuMeter.microsPerPacket(unnamed.steadySeconds(), 1_000_000)).isNaN();
    }

    @Test
    void aProcessThatGoesAwayMidRunMakesTheRunUnknown() {
        CpuMeter meter = new CpuMeter(cpu::get);
        cpu.addAndGet(1_000_000_000L);
        meter.sample(true);
        cpu.set(-1);
        meter.sample(true);

        assertThat(meter.wholeSeconds()).isNaN();
    }

    @Test
    void cpuPerPacketIsCpuTimeOverPacketsInMicroseconds() {
        assertThat(CpuMeter.microsPerPacket(2.1, 100_000)).isCloseTo(21.0, within(1e-9));
        assertThat(CpuMeter.microsPerPacket(2.1, 0)).as("nothing forwarded").isNaN();
    }

    @Test
    void cpuPercentIsOfOneCore() {
        assertThat(CpuMeter.percentOfACore(3.0, 2.0)).isCloseTo(150.0, within(1e-9));
        assertThat(CpuMeter.percentOfACore(1.0, 0)).isNaN();
    }

    @Test
    void lossCountsMissingPacketsAndNeverGoesBelowZero() {
        assertThat(CpuMeter.lossPercent(1000, 990)).isCloseTo(1.0, within(1e-9));
        assertThat(CpuMeter.lossPercent(1000, 1010)).as("retransmissions and duplicates").isZero();
        assertThat(CpuMeter.lossPercent(0, 0)).as("nothing expected yet").isZero();
    }
}
