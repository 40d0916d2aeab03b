// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

/**
 * Reception statistics of one incoming RTP stream (one SSRC) at one subscriber, as RFC 3550 §6.4 and
 * Appendix A.8 define them: extended highest sequence number, packets expected and received, and
 * interarrival jitter. Touched only by that subscriber's socket reader.
 */
final class ReceivedStream {
    final long ssrc;
    final boolean audio;
    private final int clockRate;
    private final Totals totals;
    private long baseSeq = -1;
    private long maxExtSeq;
    private long received;
    private long expectedAtLastReport;
    private long receivedAtLastReport;
    private double jitter; // in RTP timestamp units
    private long lastTransit;
    private boolean haveTransit;

    ReceivedStream(long ssrc, boolean audio, Totals totals) {
        this.ssrc = ssrc;
        this.audio = audio;
        this.clockRate = audio ? 48_000 : 90_000;
        this.totals = totals;
    }

    /**
     * Counts one packet; returns how many sequence numbers it skipped (0 when in order), or -1 when it is
     * late: an old sequence number is a retransmission (or a reordered packet) and is not counted as
     * received, so that loss is measured before repair whatever way a server retransmits.
     */
    int onPacket(int seq, long rtpTs, long arrivalNanos) {
        int skipped = 0;
        if (baseSeq < 0) {
            baseSeq = seq;
            maxExtSeq = seq;
            totals.expected.increment();
        } else {
            // extend the 16-bit number to the candidate nearest the highest seen so far
            long candidate = (maxExtSeq & ~0xFFFFL) | seq;
            if (candidate < maxExtSeq - 0x8000) {
                candidate += 0x10000;
            } else if (candidate > maxExtSeq + 0x8000) {
                candidate -= 0x10000;
            }
            if (candidate <= maxExtSeq) {
                return -1;
            }
            totals.expected.add(candidate - maxExtSeq);
            skipped = (int) Math.min(Integer.MAX_VALUE, candidate - maxExtSeq - 1);
            maxExtSeq = candidate;
        }
        received++;
        long arrival = arrivalNanos * clockRate / 1_000_000_000L;
        long transit = arrival - rtpTs;
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            if (d < clockRate) { // a timestamp jump (layer switch, new loop) is not jitter
                jitter += (d - jitter) / 16.0;
            }
        }
        lastTransit = transit;
        haveTransit = true;
        return skipped;
    }

    long expected() {
        return baseSeq < 0 ? 0 : maxExtSeq - baseSeq + 1;
    }

    long received() {
        return received;
    }

    double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }

    /** Fraction lost since the previous call, as a receiver report's 8-bit field. */
    int fractionLostSinceLastReport() {
        long expectedInterval = expected() - expectedAtLastReport;
        long receivedInterval = received - receivedAtLastReport;
        expectedAtLastReport = expected();
        receivedAtLastReport = received;
        long lost = expectedInterval - receivedInterval;
        return expectedInterval <= 0 || lost <= 0 ? 0 : (int) Math.min(255, (lost << 8) / expectedInterval);
    }

    long extendedHighestSeq() {
        return maxExtSeq;
    }

    long cumulativeLost() {
        return Math.max(0, expected() - received);
    }

    long jitterUnits() {
        return (long) jitter;
    }
}
