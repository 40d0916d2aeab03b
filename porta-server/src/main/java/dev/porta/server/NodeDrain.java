// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether this node drains, and until when: a draining node takes no new meeting (placement sends it
 * elsewhere), answers not ready ({@code /health/ready} 503) so the load balancer sends it no new client,
 * keeps serving its live meetings until they end, and exits once they have, or at the deadline (the
 * meetings still live then are ended, and their participants rejoin elsewhere).
 * Started by {@code porta admin drain} (seen at a heartbeat) or by the process being stopped (SIGTERM).
 */
final class NodeDrain {
    private final Clock clock;
    private Instant deadline; // null: not draining
    private String reason = "";
    private boolean exiting;

    NodeDrain(Clock clock) {
        this.clock = clock;
    }

    /**
     * Starts draining for at most {@code timeout}; when already draining, the earlier deadline holds.
     *
     * @return true when the node was not draining before
     */
    synchronized boolean start(String why, Duration timeout) {
        Instant until = clock.instant().plus(timeout);
        boolean fresh = deadline == null;
        if (fresh || until.isBefore(deadline)) {
            deadline = until;
        }
        if (fresh) {
            reason = why;
        }
        return fresh;
    }

    /** The process is being stopped: it drains, and the stop itself (not the heartbeat) decides when to exit. */
    synchronized boolean startStopping(Duration timeout) {
        boolean fresh = start("stopping", timeout);
        exiting = true;
        return fresh;
    }

    /** Stops draining ({@code porta admin undrain}), unless the node already decided to exit. */
    synchronized boolean cancel() {
        if (deadline == null || exiting) {
            return false;
        }
        deadline = null;
        reason = "";
        return true;
    }

    synchronized boolean draining() {
        return deadline != null;
    }

    /** What started the drain ("porta admin drain", "stopping"); empty when not draining. */
    synchronized String reason() {
        return reason;
    }

    /** Past the deadline: the meetings still live are ended. */
    synchronized boolean overdue() {
        return deadline != null && !clock.instant().isBefore(deadline);
    }

    /** Whether it is time to exit (draining, and no meeting left or past the deadline); true only once. */
    synchronized boolean exitNow(int liveMeetings) {
        if (deadline == null || exiting || (liveMeetings > 0 && !overdue())) {
            return false;
        }
        exiting = true;
        return true;
    }
}
