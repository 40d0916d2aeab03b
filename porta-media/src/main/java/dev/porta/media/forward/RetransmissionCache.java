// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/**
 * The last N packets a subscriber was sent on one track, by outgoing sequence number, in preallocated
 * slots: a NACK is answered from here without touching the publisher. Older entries are overwritten.
 */
public final class RetransmissionCache {
    private final byte[][] slots;
    private final int[] lengths;
    private final int[] seqs;
    private final long[] sentAtMillis;

    public RetransmissionCache(int capacity, int maxPacket) {
        slots = new byte[capacity][maxPacket];
        lengths = new int[capacity];
        seqs = new int[capacity];
        sentAtMillis = new long[capacity];
        java.util.Arrays.fill(seqs, -1);
    }

    /** Stores a copy of a plaintext RTP packet whose outgoing sequence number is {@code seq}. */
    public void put(int seq, byte[] b, int off, int len, long nowMillis) {
        int i = seq % slots.length;
        if (len > slots[i].length) {
            seqs[i] = -1;
            return;
        }
        System.arraycopy(b, off, slots[i], 0, len);
        lengths[i] = len;
        seqs[i] = seq;
        sentAtMillis[i] = nowMillis;
    }

    /** The slot holding {@code seq}, or -1. The caller reads {@link #bytes} and {@link #length}. */
    public int find(int seq) {
        int i = seq % slots.length;
        return seqs[i] == seq ? i : -1;
    }

    public byte[] bytes(int slot) {
        return slots[slot];
    }

    public int length(int slot) {
        return lengths[slot];
    }

    public long sentAt(int slot) {
        return sentAtMillis[slot];
    }
}
