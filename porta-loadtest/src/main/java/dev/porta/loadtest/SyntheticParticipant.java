// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

/**
 * One synthetic participant, whichever server it talks to. {@link #run()} joins and then serves the
 * participant's signaling until {@link #stop()}; the timestamps say how far it got.
 */
interface SyntheticParticipant extends Runnable {
    /**
     * Every subscriber asks for the middle simulcast layer (360p) of every camera, so that both servers
     * forward the same layer whatever their own bandwidth allocation would pick; the comparison is then
     * per forwarded packet of the same stream.
     */
    int PREFERRED_HEIGHT = 360;

    void stop();

    /** When the join request left, {@link System#nanoTime()}; -1 before. */
    long joinSentNanos();

    /** When the server admitted the participant; -1 before. */
    long connectedNanos();

    /** When its publisher started sending (its transport connected); -1 before, or when it does not publish. */
    long publishStartedNanos();

    /** When the first media packet from another participant arrived; -1 before. */
    long firstMediaNanos();

    /** Why the participant failed, or null. */
    String failure();

    /** Jitter sums of what it received: {sum of per-stream jitter ms, stream count}. */
    double[] jitterSums(boolean audio);
}
