// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.function.LongSupplier;

/**
 * One process's CPU time over a run, read once a sample: summed over the steady window and over the whole run
 * (joins and warm-up included). A process whose CPU cannot be read — gone, or never named, as a running Porta
 * attached without {@code --pid} — counts as unknown (NaN) from then on, never as 0: a zero would report the
 * server as free.
 */
final class CpuMeter {
    private final LongSupplier cpuNanos;
    private long last;
    private double steadySeconds;
    private double wholeSeconds;

    /** @param cpuNanos the process's CPU time so far (user + system) in nanoseconds, negative when unknown */
    CpuMeter(LongSupplier cpuNanos) {
        this.cpuNanos = cpuNanos;
        this.last = cpuNanos.getAsLong();
    }

    /** Reads the CPU time; returns the CPU seconds since the previous reading (NaN when unknown). */
    double sample(boolean steady) {
        long now = cpuNanos.getAsLong();
        double d = now < 0 || last < 0 ? Double.NaN : (now - last) / 1e9;
        last = now;
        wholeSeconds += d;
        if (steady) {
            steadySeconds += d;
        }
        return d;
    }

    /** CPU seconds in the samples taken as steady. */
    double steadySeconds() {
        return steadySeconds;
    }

    /** CPU seconds from the meter's creation to the last sample. */
    double wholeSeconds() {
        return wholeSeconds;
    }

    /** CPU time per packet in µs; NaN when no packet was counted or the CPU is unknown. */
    static double microsPerPacket(double cpuSeconds, long packets) {
        return packets > 0 ? cpuSeconds * 1e6 / packets : Double.NaN;
    }

    /** CPU use as a percentage of one core over {@code seconds} of wall time; NaN for an empty window. */
    static double percentOfACore(double cpuSeconds, double seconds) {
        return seconds > 0 ? 100 * cpuSeconds / seconds : Double.NaN;
    }

    /** Packets missing out of those expected, in percent; never negative (duplicates and retransmissions). */
    static double lossPercent(long expected, long received) {
        return expected <= 0 ? 0 : Math.max(0, 100.0 * (expected - received) / expected);
    }
}
