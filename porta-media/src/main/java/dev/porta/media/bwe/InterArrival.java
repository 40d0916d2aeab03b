// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * Groups acknowledged packets into send-time groups and yields the inter-group deltas the delay
 * gradient is computed from (draft-ietf-rmcat-gcc-02 §5.2 "pre-filtering"). A group is every packet
 * sent within {@link #BURST_MICROS} of the group's first one (a video frame leaves the SFU as such a
 * burst), plus packets that arrived within the burst time of the group's last arrival while their own
 * delay variation is negative: the network delivered them as a burst after holding them, so counting
 * them as a new group would read that release as a fall in delay.
 *
 * <p>Feed packets in send order (transport-cc feedback lists them in sequence order). After {@link
 * #packet} returns true, {@link #sendDeltaMicros()} and {@link #arrivalDeltaMicros()} describe the group
 * that just completed against the one before it. Allocation-free; one instance per subscriber.
 */
public final class InterArrival {
    /** Packets sent within this span of a group's first packet belong to the group (the draft's burst_time). */
    public static final long BURST_MICROS = 5_000;
    /** An arrival step larger than this (or backwards by as much) means the receiver's clock jumped: start over. */
    static final long CLOCK_JUMP_MICROS = 3_000_000;

    private long firstSend = -1;
    private long lastSend;
    private long lastArrival;
    private int groupBytes;
    private long prevLastSend = -1;
    private long prevLastArrival;
    private long sendDelta;
    private long arrivalDelta;
    private long completedArrival;
    private int completedBytes;

    /** Adds one acknowledged packet; true when it closed a group so the deltas are fresh. */
    public boolean packet(long sendMicros, long arrivalMicros, int bytes) {
        if (firstSend < 0) {
            start(sendMicros, arrivalMicros, bytes);
            return false;
        }
        if (sendMicros < firstSend) {
            return false; // reordered: belongs to a group already measured
        }
        if (belongsToCurrent(sendMicros, arrivalMicros)) {
            lastSend = Math.max(lastSend, sendMicros);
            lastArrival = Math.max(lastArrival, arrivalMicros);
            groupBytes += bytes;
            return false;
        }
        boolean ready = false;
        if (prevLastSend >= 0) {
            sendDelta = lastSend - prevLastSend;
            arrivalDelta = lastArrival - prevLastArrival;
            if (Math.abs(arrivalDelta - sendDelta) > CLOCK_JUMP_MICROS) {
                prevLastSend = -1;
                start(sendMicros, arrivalMicros, bytes);
                return false;
            }
            completedArrival = lastArrival;
            completedBytes = groupBytes;
            ready = true;
        }
        prevLastSend = lastSend;
        prevLastArrival = lastArrival;
        start(sendMicros, arrivalMicros, bytes);
        return ready;
    }

    private boolean belongsToCurrent(long sendMicros, long arrivalMicros) {
        if (sendMicros - firstSend <= BURST_MICROS) {
            return true;
        }
        long arrivalStep = arrivalMicros - lastArrival;
        long variation = arrivalStep - (sendMicros - lastSend);
        return arrivalStep >= 0 && arrivalStep <= BURST_MICROS && variation < 0;
    }

    private void start(long sendMicros, long arrivalMicros, int bytes) {
        firstSend = sendMicros;
        lastSend = sendMicros;
        lastArrival = arrivalMicros;
        groupBytes = bytes;
    }

    /** Send time of the completed group's last packet minus the previous group's (the draft's T(i) - T(i-1)). */
    public long sendDeltaMicros() {
        return sendDelta;
    }

    /** Arrival time of the completed group's last packet minus the previous group's (t(i) - t(i-1)). */
    public long arrivalDeltaMicros() {
        return arrivalDelta;
    }

    /** When the completed group's last packet arrived, on the receiver's clock. */
    public long completedArrivalMicros() {
        return completedArrival;
    }

    /** Bytes in the completed group. */
    public int completedBytes() {
        return completedBytes;
    }
}
