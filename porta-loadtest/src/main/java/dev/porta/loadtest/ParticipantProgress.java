// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

/**
 * What every synthetic participant records about how far it got, whichever server it talks to: the
 * timestamps of join, admission and publishing, the first failure, and its {@link Subscriber}'s
 * measurements. Subclasses only speak their server's signaling.
 */
abstract class ParticipantProgress implements SyntheticParticipant {
    protected final Subscriber subscriber;
    protected volatile boolean stopped;
    protected volatile long joinSent = -1;
    protected volatile long connected = -1;
    protected volatile long publishStarted = -1;
    private volatile String failure;

    protected ParticipantProgress(Env env) {
        this.subscriber = new Subscriber(env.totals());
    }

    /** Records the first reason this participant failed and stops it. */
    protected void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        stopped = true;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public long joinSentNanos() {
        return joinSent;
    }

    @Override
    public long connectedNanos() {
        return connected;
    }

    @Override
    public long publishStartedNanos() {
        return publishStarted;
    }

    @Override
    public long firstMediaNanos() {
        return subscriber.firstMediaNanos();
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public double[] jitterSums(boolean audio) {
        return subscriber.jitterSums(audio);
    }
}
