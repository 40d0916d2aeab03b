// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.util.Bytes;

/**
 * Tracks sequence numbers missing from one publisher stream and says which to NACK (RFC 4585) now:
 * each at most {@value #MAX_TRIES} times, {@value #RETRY_MILLIS} ms apart, forgotten after a second.
 * A gap too large to repair is reported so the caller can ask for a keyframe instead.
 */
final class NackGenerator {
    static final int CAPACITY = 64;
    static final int MAX_TRIES = 3;
    static final long RETRY_MILLIS = 40;
    static final long GIVE_UP_MILLIS = 1000;

    private final int[] seqs = new int[CAPACITY];
    private final long[] since = new long[CAPACITY];
    private final long[] lastSent = new long[CAPACITY];
    private final int[] tries = new int[CAPACITY];
    private final int[] due = new int[CAPACITY];
    private int count;
    private int highest = -1;
    long nacked;

    /** Records an arriving sequence number; returns false when a gap was too large to repair. */
    boolean received(int seq, long nowMillis) {
        if (highest < 0) {
            highest = seq;
            return true;
        }
        if (Bytes.seqNewer(seq, highest)) {
            int gap = ((seq - highest) & 0xFFFF) - 1;
            boolean repairable = gap <= CAPACITY - count;
            if (repairable) {
                for (int i = 1; i <= gap; i++) {
                    seqs[count] = (highest + i) & 0xFFFF;
                    since[count] = nowMillis;
                    lastSent[count] = Long.MIN_VALUE / 2;
                    tries[count] = 0;
                    count++;
                }
            } else {
                count = 0;
            }
            highest = seq;
            return repairable;
        }
        remove(seq);
        return true;
    }

    private void remove(int seq) {
        for (int i = 0; i < count; i++) {
            if (seqs[i] == seq) {
                count--;
                seqs[i] = seqs[count];
                since[i] = since[count];
                lastSent[i] = lastSent[count];
                tries[i] = tries[count];
                return;
            }
        }
    }

    /** Fills {@code out} with the sequence numbers to NACK now (sorted); returns how many. */
    int due(long nowMillis, int[] out) {
        int n = 0;
        for (int i = 0; i < count; ) {
            if (tries[i] >= MAX_TRIES || nowMillis - since[i] > GIVE_UP_MILLIS) {
                count--;
                seqs[i] = seqs[count];
                since[i] = since[count];
                lastSent[i] = lastSent[count];
                tries[i] = tries[count];
                continue;
            }
            if (nowMillis - lastSent[i] >= RETRY_MILLIS && n < out.length) {
                lastSent[i] = nowMillis;
                tries[i]++;
                out[n++] = seqs[i];
            }
            i++;
        }
        // NACK packing wants wrap-aware ascending order: after a wrap, 65530.. comes before 0..
        java.util.Arrays.sort(out, 0, n);
        if (n > 1 && out[n - 1] - out[0] > 0x8000) {
            int split = 0;
            while (split < n && out[split] < 0x8000) {
                split++;
            }
            int[] tmp = java.util.Arrays.copyOf(out, n);
            System.arraycopy(tmp, split, out, 0, n - split);
            System.arraycopy(tmp, 0, out, n - split, split);
        }
        nacked += n;
        return n;
    }

    int missing() {
        return count;
    }
}
