// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.calling.live.RosterWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * Roster batching windows that stay open until the test closes them, so a test knows exactly which changes
 * one window gathered (instead of racing a 100 ms timer on a busy machine).
 */
public final class HeldRosterWindow implements RosterWindow {
    private final List<Runnable> open = new ArrayList<>();

    @Override
    public synchronized void open(Runnable flush) {
        open.add(flush);
    }

    /** Closes every window open now: each meeting queues its batch on its actor. */
    public void close() {
        List<Runnable> closing;
        synchronized (this) {
            closing = List.copyOf(open);
            open.clear();
        }
        closing.forEach(Runnable::run);
    }
}
