// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.attendance.AttendanceLog;
import dev.porta.meetings.attendance.Attendance;
import dev.porta.meetings.attendance.JdbcAttendanceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calling's attendance events into the meetings module's store, on one thread of its own: calling
 * reports them while holding a meeting's lock, so they only queue there. The queue is bounded; when the
 * database falls that far behind, events are dropped and counted rather than slowing meetings down.
 * One thread keeps each meeting's events in order.
 */
public final class AttendanceRecorder implements AttendanceLog, AutoCloseable {
    /** Events waiting for the database; a burst of joins to many meetings fits easily. */
    static final int MAX_QUEUED = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(AttendanceRecorder.class);

    private final JdbcAttendanceStore store;
    private final ThreadPoolExecutor writer;
    private final AtomicLong dropped = new AtomicLong();

    public AttendanceRecorder(JdbcAttendanceStore store) {
        this.store = store;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                Thread.ofPlatform().name("porta-attendance").daemon().factory(), (task, pool) -> {
                    if (dropped.getAndIncrement() % 1000 == 0) {
                        LOG.warn("attendance events dropped: the database is behind ({} so far)", dropped.get());
                    }
                });
    }

    @Override
    public void entered(String meetingId, Attendee a, Instant at) {
        submit(() -> store.entered(meetingId, new Attendance.Interval(a.participantId(), a.rawId(), a.displayName(), a.role(),
                a.guest(), a.tenantId(), at, null)));
    }

    @Override
    public void left(String meetingId, String participantId, Instant at) {
        submit(() -> store.left(meetingId, participantId, at));
    }

    @Override
    public void sessionEnded(String meetingId, Instant at) {
        submit(() -> store.sessionEnded(meetingId, at));
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits (bounded) until what is queued now is written; for shutdown and tests. */
    public void flush(Duration timeout) {
        try {
            writer.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("attendance events not written within {}", timeout);
        }
    }

    private void submit(Runnable work) {
        writer.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                // e.g. the meeting was deleted while it ran; attendance is best effort, meetings go on
                LOG.warn("attendance event not recorded: {}", e.toString());
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
