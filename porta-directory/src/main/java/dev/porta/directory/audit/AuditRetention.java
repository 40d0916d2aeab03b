// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes audit events older than {@code audit.retention}: once at start and then every
 * {@code every}, on one daemon thread. In a cluster every node purges; the deletes are idempotent.
 */
public final class AuditRetention implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditRetention.class);
    /** Shortest retention accepted: a day, so a typo ("1m") cannot wipe the log minutes after the fact. */
    public static final Duration MIN = Duration.ofDays(1);
    public static final Duration MAX = Duration.ofDays(3650);

    private final AuditLog log;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    public AuditRetention(AuditLog log, Duration retention, Duration every, Clock clock) {
        if (retention.compareTo(MIN) < 0 || retention.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("audit retention must be between 1d and 3650d, got " + retention);
        }
        this.log = log;
        this.retention = retention;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-retention");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::purgeQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deletes what is older than the retention now; returns how many events. */
    public int purge() {
        return log.purgeBefore(clock.instant().minus(retention));
    }

    private void purgeQuietly() {
        try {
            int n = purge();
            if (n > 0) {
                LOG.info("purged {} audit events older than {}", n, retention);
            }
        } catch (RuntimeException e) {
            LOG.warn("audit purge failed; will try again", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
