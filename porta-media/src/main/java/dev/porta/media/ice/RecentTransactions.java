// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import dev.porta.media.util.Bytes;
import java.net.InetSocketAddress;

/**
 * The transaction ids of the last {@link #CAPACITY} valid checks made with one set of ICE credentials,
 * and where each came from. A check whose id is here is not a new check: from the same address it is
 * a STUN retransmission (answer it again, nothing more); from another address it is a copy someone
 * on the path replayed, and it must not move media or refresh consent (RFC 7675 wants a new
 * transaction for every consent check). Browsers use a new random id for every check.
 */
final class RecentTransactions {
    /** About 40 minutes of a browser's checks (one every 2.5 s on the selected pair, a few on others). */
    static final int CAPACITY = 1024;

    enum Seen { NEW, RETRANSMISSION, REPLAY }

    // grown on demand up to CAPACITY: most transports see a few dozen checks before they close
    private long[] high = new long[32];
    private int[] low = new int[32];
    /** A hash of the sender's address: a collision only means a replay is answered, never acted on. */
    private int[] from = new int[32];
    private int next;
    private int count;

    /** Classifies the 12-byte transaction id {@code tx} from {@code sender}, remembering it when new. */
    Seen check(byte[] tx, InetSocketAddress sender) {
        long h = (Bytes.u32(tx, 0) << 32) | Bytes.u32(tx, 4);
        int l = Bytes.i32(tx, 8);
        int a = sender.hashCode();
        for (int i = 0; i < count; i++) {
            if (high[i] == h && low[i] == l) {
                return from[i] == a ? Seen.RETRANSMISSION : Seen.REPLAY;
            }
        }
        if (count == high.length && count < CAPACITY) {
            high = java.util.Arrays.copyOf(high, count * 2);
            low = java.util.Arrays.copyOf(low, count * 2);
            from = java.util.Arrays.copyOf(from, count * 2);
            next = count; // the ring had not wrapped yet: its entries are in order, the free space follows
        }
        high[next] = h;
        low[next] = l;
        from[next] = a;
        next = (next + 1) % high.length;
        count = Math.min(count + 1, high.length);
        return Seen.NEW;
    }
}
