// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

/**
 * SSRC to per-stream state, open addressing on primitive keys (no boxing per packet). It grows up to
 * a fixed number of streams and then refuses new ones; it never evicts, because forgetting a stream's
 * state would reset its rollover counter and its window of used or seen indices (see
 * {@link SrtpContext}).
 */
final class StreamTable<T> {
    private final int limit;
    /** Per-table hash seed: a peer picks its own SSRCs and must not be able to line them up in one chain. */
    private final long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;
    private long[] keys = new long[16];
    private Object[] values = new Object[16];
    private int size;

    StreamTable(int limit) {
        this.limit = limit;
    }

    @SuppressWarnings("unchecked")
    T get(long ssrc) {
        int mask = keys.length - 1;
        for (int i = slot(ssrc, mask, seed); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == ssrc) {
                return (T) values[i];
            }
        }
        return null;
    }

    boolean isFull() {
        return size >= limit;
    }

    int size() {
        return size;
    }

    /** Adds a stream that {@link #get} did not find; the caller checks {@link #isFull} first. */
    void add(long ssrc, T value) {
        if (isFull()) {
            throw new IllegalStateException("stream table full");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, values, ssrc, value, seed);
        size++;
    }

    private void grow() {
        long[] k = new long[keys.length * 2];
        Object[] v = new Object[values.length * 2];
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                insert(k, v, keys[i], values[i], seed);
            }
        }
        keys = k;
        values = v;
    }

    private static void insert(long[] k, Object[] v, long ssrc, Object value, long seed) {
        int mask = k.length - 1;
        int i = slot(ssrc, mask, seed);
        while (v[i] != null) {
            i = (i + 1) & mask;
        }
        k[i] = ssrc;
        v[i] = value;
    }

    private static int slot(long ssrc, int mask, long seed) {
        long h = (ssrc ^ seed) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
