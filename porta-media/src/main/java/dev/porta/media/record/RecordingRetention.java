// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes recordings that ended more than {@code recording.retention} ago: at start and then every
 * {@code every}, on one daemon thread of its own (file deletion never runs on a meeting's or the media thread).
 */
public final class RecordingRetention implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordingRetention.class);
    /** Shortest retention accepted: a day, so a typo ("1m") cannot delete a recording minutes after the meeting. */
    public static final Duration MIN = Duration.ofDays(1);
    public static final Duration MAX = Duration.ofDays(3650);
    private final RecordingStore store;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("recording-retention").daemon().factory());

    public RecordingRetention(RecordingStore store, Duration retention, Duration every, Clock clock) {
        if (retention.compareTo(MIN) < 0 || retention.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("recording retention must be between 1d and 3650d, got " + retention);
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        scheduler.scheduleWithFixedDelay(this::purgeQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void purgeQuietly() {
        try {
            int n = store.deleteEndedBefore(clock.instant().minus(retention));
            if (n > 0) {
                LOG.info("deleted {} recordings that ended more than {} ago", n, retention);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("recording retention failed; will try again", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
