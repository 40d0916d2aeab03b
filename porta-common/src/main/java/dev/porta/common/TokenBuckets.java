// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.time.Duration;
import java.util.List;

/**
 * Where a {@link RateLimiter}'s token buckets live: in this process ({@link LocalTokenBuckets}), or in
 * a store every node shares (porta-cluster's Redis buckets), so that an attacker spreading a burst over
 * several nodes gets one allowance, not one per node. Every operation is atomic over all its keys.
 */
public interface TokenBuckets {
    /** Takes one token from every key, or from none: false (nothing charged) when any key is empty. */
    boolean tryAcquireAll(List<String> keys);

    /** Gives one token back to every key, never above the burst. */
    void refund(List<String> keys);

    /** How long until {@code key} holds a whole token again; zero when it does now. */
    Duration retryAfter(String key);
}
