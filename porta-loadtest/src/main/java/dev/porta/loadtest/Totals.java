// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every subscriber of one run received, summed as it happens (cheap adders touched by the socket
 * readers, read once a second by the sampler): packets, bytes, packets expected from sequence numbers,
 * retransmissions, and a histogram of one-way forwarding delay.
 */
public final class Totals {
    final LongAdder packets = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder expected = new LongAdder();
    final LongAdder retransmissions = new LongAdder();
    final LongAdder nacksSent = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder generatorLagEvents = new LongAdder();
    /** iceServers messages received (TURN credentials handed out by Porta). */
    final LongAdder turnCredentials = new LongAdder();
    /** Packets that reached participants as ChannelData from the TURN server (relay transport). */
    final LongAdder relayedPackets = new LongAdder();
    final DelayHistogram delay = new DelayHistogram();

    /**
     * Delays in fixed buckets: 50 µs wide up to 20 ms, then 1 ms wide up to 1 s, then one overflow
     * bucket. Fixed size, so it never grows however long the run.
     */
    public static final class DelayHistogram {
        private static final int FINE = 400;
        private static final int COARSE = 980;
        private final AtomicLongArray counts = new AtomicLongArray(FINE + COARSE + 1);

        public void record(long micros) {
            int i;
            if (micros < 0) {
                i = 0;
            } else if (micros < FINE * 50L) {
                i = (int) (micros / 50);
            } else if (micros < 1_000_000L) {
                i = FINE + (int) ((micros - FINE * 50L) / 1000);
            } else {
                i = FINE + COARSE;
            }
            counts.incrementAndGet(Math.min(i, FINE + COARSE));
        }

        /** Upper edge of the bucket holding quantile {@code q} (0..1), in milliseconds; NaN when empty. */
        public double quantileMillis(double q) {
            long total = count();
            if (total == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < counts.length(); i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return upperMicros(i) / 1000.0;
                }
            }
            return upperMicros(counts.length() - 1) / 1000.0;
        }

        public long count() {
            long n = 0;
            for (int i = 0; i < counts.length(); i++) {
                n += counts.get(i);
            }
            return n;
        }

        private static long upperMicros(int i) {
            return i < FINE ? (i + 1) * 50L : i < FINE + COARSE ? FINE * 50L + (i - FINE + 1) * 1000L : 1_000_000L;
        }
    }
}
