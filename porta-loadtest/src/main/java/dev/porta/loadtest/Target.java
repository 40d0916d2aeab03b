// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

/**
 * A server under test, as the load run sees it: it prepares the meetings of a scenario (and whatever
 * credentials joining needs) before the clock starts, makes participants, and names the process whose
 * CPU and memory are the node's.
 */
interface Target extends AutoCloseable {
    String name();

    /** Process id of the node (for CPU and memory), or -1 when unknown. */
    long nodePid();

    /** Whether the node runs inside the load generator's own process (its CPU then includes ours). */
    boolean inProcess();

    /** Creates the meetings and per-participant credentials; not part of any measured time. */
    void prepare(Scenario scenario) throws Exception;

    /** Packets the node itself counts as sent (all participants together), or -1 when it does not say. */
    default long nodePacketsOut() {
        return -1;
    }

    SyntheticParticipant participant(Env env, int meeting, int index, boolean audio, boolean video);

    @Override
    void close();
}
