// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.bwe;

/** The over-use detector's signal (draft-ietf-rmcat-gcc-02 §5.5). */
public enum BandwidthUsage {
    /** The delay gradient is within the threshold: the path keeps up. */
    NORMAL,
    /** Queueing delay is building: the send rate exceeds what the bottleneck drains. */
    OVERUSING,
    /** Queues are draining: hold the rate until they are empty. */
    UNDERUSING
}
