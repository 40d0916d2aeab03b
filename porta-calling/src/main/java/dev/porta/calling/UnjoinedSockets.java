// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts sockets per client address that have not joined or resumed yet (they cost the server a socket
 * but proved nothing), so one address cannot hold thousands of them open (review finding M6).
 */
final class UnjoinedSockets {
    /** One counted socket; {@link #release} is idempotent. */
    final class Ticket {
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(String address) {
            this.address = address;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                leave(address);
            }
        }
    }

    private final int maxPerAddress;
    private final Map<String, Integer> counts = new HashMap<>();

    UnjoinedSockets(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /** A ticket for one more socket from {@code address}, or null when the address has its maximum. */
    synchronized Ticket enter(String address) {
        int n = counts.getOrDefault(address, 0);
        if (n >= maxPerAddress) {
            return null;
        }
        counts.put(address, n + 1);
        return new Ticket(address);
    }

    synchronized int count(String address) {
        return counts.getOrDefault(address, 0);
    }

    private synchronized void leave(String address) {
        counts.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
}
