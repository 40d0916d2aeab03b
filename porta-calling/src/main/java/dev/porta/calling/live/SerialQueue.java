// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were given, on a virtual thread started while there is work
 * (no thread is held by an idle queue). A live meeting's actor is one of these; so is each participant's
 * media lane and each stripe of chat I/O.
 *
 * <p>Work from outside (a client's frame, a Chat API request, a join) goes through {@link #offer}, which is
 * bounded: beyond {@code bound} waiting tasks it refuses and the caller answers "busy". Results that
 * other lanes post back ({@link #post}) are not refused: each comes from work that was itself admitted
 * through a bounded offer, so they are bounded by construction, and dropping one would lose a reply or
 * leave the meeting's state half-changed. Posted tasks run before offered ones waiting at the same time
 * (each kind in its own order): work already under way finishes before new work starts, so in a join storm
 * the first joiners are let in first instead of after everyone has been seated.
 */
public final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final String name;
    private final int bound;
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> offers = new ConcurrentLinkedQueue<>();
    /** Tasks from {@link #offer} not yet started; what the bound applies to. */
    private final AtomicInteger offered = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread owner;

    /** @param bound most tasks from {@link #offer} waiting at once */
    public SerialQueue(String name, int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1");
        }
        this.name = name;
        this.bound = bound;
    }

    /** Queues {@code task} unless {@code bound} offered tasks are already waiting; false when refused. */
    public boolean offer(Runnable task) {
        if (offered.incrementAndGet() > bound) {
            offered.decrementAndGet();
            return false;
        }
        offers.add(() -> {
            offered.decrementAndGet();
            task.run();
        });
        schedule();
        return true;
    }

    /** Queues {@code task} without the bound: for results and events that must not be lost. */
    public void post(Runnable task) {
        posted.add(task);
        schedule();
    }

    /** Runs {@code task} on this queue (unbounded, like {@link #post}); the future completes with its result. */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        post(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** True on the thread that is running this queue's task right now. */
    public boolean isCurrent() {
        return owner == Thread.currentThread();
    }

    /** Offered tasks waiting to start. */
    public int waiting() {
        return offered.get();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            Thread.ofVirtual().name(name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable task = posted.poll();
            if (task == null) {
                task = offers.poll();
            }
            if (task == null) {
                running.set(false);
                // a task added after the poll but before the flag was cleared found the flag set: take it
                if ((posted.isEmpty() && offers.isEmpty()) || !running.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            owner = Thread.currentThread();
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("calling: a task on {} failed", name, e);
            } finally {
                owner = null;
            }
        }
    }
}
