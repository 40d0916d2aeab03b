// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells every live component that an identity lost its right to be connected (a revoked guest identity,
 * a disabled or deleted member), so its participation ends wherever it is. In one process the news goes
 * straight to the listeners; in a cluster ({@code porta-cluster}) it also reaches every other node.
 * Listeners must be quick and must not throw; they may hear the same identity more than once.
 */
public interface Revocations extends AutoCloseable {
    /** Announces a revocation here and (in a cluster) on every node. */
    void publish(String identity);

    /** Adds a listener for revocations announced on any node. */
    void subscribe(Consumer<String> listener);

    @Override
    default void close() { }

    /** Revocations heard in this process only. */
    static Revocations local() {
        return new Local();
    }

    /** The listeners of this process; what the clustered implementation delivers to as well. */
    final class Local implements Revocations {
        private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

        @Override
        public void publish(String identity) {
            for (Consumer<String> l : listeners) {
                l.accept(identity);
            }
        }

        @Override
        public void subscribe(Consumer<String> listener) {
            listeners.add(listener);
        }
    }
}
