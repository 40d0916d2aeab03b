// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.rtcp;

/**
 * The receiving side of transport-wide congestion control: records when each transport-wide sequence
 * number arrived, and turns the records into feedback messages so the sender's congestion controller
 * can see the path. The SFU keeps one per publisher; the load tester one per subscriber, as a browser.
 * Not thread-safe: one receiving thread.
 */
public final class TccRecorder {
    private static final int WINDOW = 4096;
    private static final int MAX_PER_FEEDBACK = 500;
    private final long[] arrivals = new long[WINDOW];
    private final long[] batch = new long[MAX_PER_FEEDBACK];
    private long baseExt = -1;
    private long highestExt = -1;
    private int fbCount;

    public TccRecorder() {
        java.util.Arrays.fill(arrivals, -1);
    }

    /** Notes that transport-wide sequence number {@code seq} (16 bits) arrived at {@code arrivalMicros}. */
    public void record(int seq, long arrivalMicros) {
        long ext;
        if (highestExt < 0) {
            ext = seq;
            baseExt = ext;
        } else {
            int delta = (short) (seq - (int) (highestExt & 0xFFFF));
            ext = highestExt + delta;
        }
        if (ext < baseExt || ext < 0) {
            return; // already reported
        }
        if (ext - baseExt >= WINDOW) {
            for (long e = baseExt; e <= ext - WINDOW; e++) {
                arrivals[(int) (e & (WINDOW - 1))] = -1;
            }
            baseExt = ext - WINDOW + 1;
        }
        arrivals[(int) (ext & (WINDOW - 1))] = arrivalMicros;
        highestExt = Math.max(highestExt, ext);
    }

    /** Writes one feedback message for what arrived since the last one; 0 when there is nothing new. */
    public int write(byte[] out, int off, long sender, long media) {
        if (highestExt < baseExt || baseExt < 0) {
            return 0;
        }
        int count = (int) Math.min(MAX_PER_FEEDBACK, highestExt - baseExt + 1);
        for (int i = 0; i < count; i++) {
            int slot = (int) ((baseExt + i) & (WINDOW - 1));
            batch[i] = arrivals[slot];
            arrivals[slot] = -1;
        }
        int n = TransportCcFeedback.write(out, off, sender, media, (int) (baseExt & 0xFFFF), batch, count, fbCount++ & 0xFF);
        baseExt += count;
        return n;
    }
}
