// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/**
 * The rate that actually arrived at the receiver (the draft's R_hat, §6): bytes of acknowledged packets
 * over the last {@link #WINDOW_MICROS} (300 ms) of their arrival times. Bounded at {@link #CAPACITY} packets
 * (about 20 Mbit/s of 1,200-byte packets over the window); past that the oldest fall out early.
 */
public final class AckedBitrate {
    /**
     * Shorter than the draft's 0.5-1 s: R_hat is what a decrease starts from, and after a sudden drop in
     * capacity a longer window still holds arrivals from before it, so the cut would stay above the new
     * capacity and the queue would never drain.
     */
    static final long WINDOW_MICROS = 300_000;
    /** The window {@link #stretch()} is judged over: long enough that one receiver stall is a small part of it. */
    static final long STRETCH_WINDOW_MICROS = 1_000_000;
    /** Below this span of arrivals the rate is too noisy to act on. */
    static final long MIN_SPAN_MICROS = 150_000;
    static final int CAPACITY = 2048;

    private final long window;
    private final long[] arrivals = new long[CAPACITY];
    private final long[] sends = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private int head;
    private int count;
    private long bytes;

    /** Over the last {@link #WINDOW_MICROS}, the draft's R_hat. */
    public AckedBitrate() {
        this(WINDOW_MICROS);
    }

    public AckedBitrate(long windowMicros) {
        this.window = windowMicros;
    }

    /** Adds one acknowledged packet (in send order, so arrivals in roughly increasing order). */
    public void add(long sendMicros, long arrivalMicros, int size) {
        if (count == CAPACITY) {
            evictOldest();
        }
        int slot = (head + count) % CAPACITY;
        arrivals[slot] = arrivalMicros;
        sends[slot] = sendMicros;
        sizes[slot] = size;
        count++;
        bytes += size;
        while (count > 1 && arrivalMicros - arrivals[head] > window) {
            evictOldest();
        }
    }

    private void evictOldest() {
        bytes -= sizes[head];
        head = (head + 1) % CAPACITY;
        count--;
    }

    /**
     * How much the path spread our packets out: the span of their arrivals over the span of their sends,
     * within the window. Above 1 the bottleneck delivers slower than we send — the queue is ours; about 1
     * means every packet got through as fast as it left, whatever delay the receiver's timestamps show.
     * 1 while too little has been seen.
     */
    public double stretch() {
        if (count < 2) {
            return 1;
        }
        int last = (head + count - 1) % CAPACITY;
        long sendSpan = sends[last] - sends[head];
        long arrivalSpan = arrivals[last] - arrivals[head];
        return sendSpan < MIN_SPAN_MICROS ? 1 : (double) arrivalSpan / sendSpan;
    }

    /** Bits per second over the window, or -1 while fewer than {@link #MIN_SPAN_MICROS} have been seen. */
    public long bps() {
        if (count < 2) {
            return -1;
        }
        long span = arrivals[(head + count - 1) % CAPACITY] - arrivals[head];
        if (span < MIN_SPAN_MICROS) {
            return -1;
        }
        return (bytes - sizes[head]) * 8_000_000L / span;
    }
}
