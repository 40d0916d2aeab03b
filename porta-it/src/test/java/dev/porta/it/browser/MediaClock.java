// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

/**
 * When a page's incoming video came back after a network change, from its decoded-frame count sampled
 * about every 100 ms: a pause of 400 ms or more without a new frame is the outage, and media is back
 * with the first frame after the last such pause. Steady once more than 30 frames arrived since the
 * change and they have flowed without a pause for 1.5 s. (A pause the sampling itself causes only
 * makes the figure later, never earlier.)
 */
public final class MediaClock {
    private static final long PAUSE_NANOS = 400_000_000L;
    private static final long STEADY_NANOS = 1_500_000_000L;
    private long frames;
    private long lastFrameAt = System.nanoTime();
    private long backAt = -1;
    private long steadySince = System.nanoTime();
    private long total;
    private final long createdAt = System.nanoTime();
    /** Each pause as "from-to" in ms since this clock started, for the report. */
    private final java.util.List<String> pauses = new java.util.ArrayList<>();

    /** @param frames the page's decoded video frames at the change */
    public MediaClock(long frames) {
        this.frames = frames;
    }

    /** One sample: the page's decoded video frames at {@code now} (System.nanoTime()). */
    public void sample(long now, long decodedFrames) {
        if (decodedFrames > frames) {
            if (now - lastFrameAt >= PAUSE_NANOS) {
                pauses.add((lastFrameAt - createdAt) / 1_000_000 + "-" + (now - createdAt) / 1_000_000 + " ms");
                backAt = now;
                steadySince = now;
            }
            total += decodedFrames - frames;
            frames = decodedFrames;
            lastFrameAt = now;
        }
    }

    public boolean steady() {
        long now = System.nanoTime();
        return total > 30 && now - lastFrameAt < PAUSE_NANOS && now - steadySince > STEADY_NANOS;
    }

    /** The moment frames came back (System.nanoTime()), or {@code changed} if they never paused. */
    public long backAt(long changed) {
        return backAt < 0 ? changed : backAt;
    }

    @Override
    public String toString() {
        return "frames " + frames + " (+" + total + "), pauses " + pauses;
    }
}
