// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures of accepted Identity API requests, remembered for as long as their date could still
 * pass the clock-skew check, so a captured request cannot be sent again. Bounded: past
 * {@code capacity} the oldest is forgotten (only holders of an access key can add entries).
 */
final class SeenSignatures {
    private final int capacity;
    private final Duration keep;
    private final Map<String, Instant> forgetAt = new LinkedHashMap<>();

    /**
     * @param capacity signatures remembered at most; 0 turns replay detection off
     * @param maxSkew  the allowed clock skew; an entry lives twice that, which covers any date still accepted
     */
    SeenSignatures(int capacity, Duration maxSkew) {
        this.capacity = capacity;
        this.keep = maxSkew.multipliedBy(2);
    }

    /** Records {@code signature}; false when it was already seen (a replay). */
    synchronized boolean firstTime(String signature, Instant now) {
        if (capacity == 0) {
            return true;
        }
        // Entries are added in time order with the same lifetime, so the expired ones are at the head.
        for (Iterator<Instant> it = forgetAt.values().iterator(); it.hasNext(); ) {
            if (it.next().isAfter(now)) {
                break;
            }
            it.remove();
        }
        if (forgetAt.containsKey(signature)) {
            return false;
        }
        if (forgetAt.size() >= capacity) {
            Iterator<String> oldest = forgetAt.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        forgetAt.put(signature, now.plus(keep));
        return true;
    }
}
