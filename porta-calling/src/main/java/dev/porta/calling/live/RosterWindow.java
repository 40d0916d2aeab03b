// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * When a meeting sends the roster changes it has gathered ({@code calling.roster-window}): the meeting opens a
 * window at the first change after a batch went out, and the window runs the meeting's flush once it closes.
 */
@FunctionalInterface
public interface RosterWindow {
    /** Runs {@code flush} (which only posts the batch's work to the meeting's actor) when this window closes. */
    void open(Runnable flush);

    /**
     * A window of {@code length}, timed by the JDK's delay scheduler. The flush runs on that scheduler's own
     * thread and only queues a task on the actor, so it never waits and never needs the common pool.
     */
    static RosterWindow of(Duration length) {
        if (length.isZero()) {
            return Runnable::run;
        }
        long nanos = length.toNanos();
        return flush -> CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, Runnable::run).execute(flush);
    }
}
