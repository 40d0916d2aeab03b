// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

/** A 64-entry sliding replay window over packet indices (RFC 3711 §3.3.2). Check first, then accept after auth. */
final class ReplayWindow {
    private long highest = -1;
    private long bits;

    boolean isReplay(long index) {
        if (highest < 0 || index > highest) {
            return false;
        }
        long diff = highest - index;
        return diff >= 64 || (bits & (1L << diff)) != 0;
    }

    void accept(long index) {
        if (highest < 0) {
            highest = index;
            bits = 1;
        } else if (index > highest) {
            long shift = index - highest;
            bits = shift >= 64 ? 1 : (bits << shift) | 1;
            highest = index;
        } else {
            bits |= 1L << (highest - index);
        }
    }
}
