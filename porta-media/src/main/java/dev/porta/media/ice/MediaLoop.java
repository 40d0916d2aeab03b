// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one media thread: owns the UDP socket, receives datagrams and hands each to the handler, runs
 * tasks posted by other threads (bounded queue) and a periodic tick. All SFU state is touched only
 * here, so nothing on the packet path takes a lock.
 */
public final class MediaLoop implements AutoCloseable {
    /** Gets every datagram, on the media thread; the bytes are valid only during the call. */
    public interface PacketHandler {
        void packet(byte[] b, int off, int len, InetSocketAddress from);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MediaLoop.class);
    private static final int MAX_DATAGRAM = 2048;
    private static final int BATCH = 256;

    private final DatagramChannel channel;
    private final Selector selector;
    private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(4096);
    private final ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ByteBuffer tx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final byte[] rxBytes = new byte[MAX_DATAGRAM];
    private final Thread thread;
    private final LongSupplier millis;
    private final long tickMillis;
    private volatile PacketHandler handler;
    private volatile Runnable tick = () -> { };
    private volatile boolean running = true;
    private long sendErrors;
    private long handlerFailures;

    public MediaLoop(InetSocketAddress bind, LongSupplier millis, long tickMillis) throws IOException {
        this.millis = millis;
        this.tickMillis = tickMillis;
        this.channel = DatagramChannel.open();
        channel.configureBlocking(false);
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(bind);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, "porta-media-loop");
        thread.setDaemon(true);
    }

    public void start(PacketHandler handler, Runnable tick) {
        this.handler = handler;
        this.tick = tick;
        thread.start();
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Posts a task; false when the queue is full (the caller decides whether that is an error). */
    public boolean execute(Runnable task) {
        if (inLoop()) {
            task.run();
            return true;
        }
        boolean ok = tasks.offer(task);
        selector.wakeup();
        return ok;
    }

    /** Runs {@code task} on the media thread and waits (briefly) for its result. */
    public <T> T call(Callable<T> task) {
        if (inLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        })) {
            throw new IllegalStateException("media loop overloaded");
        }
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (TimeoutException e) {
            throw new IllegalStateException("media loop did not answer in 5 s");
        }
    }

    /** Sends one datagram; on the media thread uses a preallocated buffer, elsewhere wraps. */
    public void send(byte[] b, int off, int len, SocketAddress to) {
        try {
            if (inLoop()) {
                tx.clear();
                tx.put(b, off, len).flip();
                channel.send(tx, to);
            } else {
                channel.send(ByteBuffer.wrap(b, off, len), to);
            }
        } catch (IOException | RuntimeException e) {
            sendErrors++;
        }
    }

    public long sendErrors() {
        return sendErrors;
    }

    /** Datagrams whose handling threw (a bug, counted rather than fatal). */
    public long handlerFailures() {
        return handlerFailures;
    }

    private void run() {
        long nextTick = millis.getAsLong() + tickMillis;
        while (running) {
            try {
                long wait = Math.max(1, nextTick - millis.getAsLong());
                selector.select(wait);
                selector.selectedKeys().clear();
                for (int i = 0; i < BATCH; i++) {
                    rx.clear();
                    SocketAddress from = channel.receive(rx);
                    if (from == null) {
                        break;
                    }
                    rx.flip();
                    int n = rx.remaining();
                    rx.get(rxBytes, 0, n);
                    try {
                        handler.packet(rxBytes, 0, n, (InetSocketAddress) from);
                    } catch (RuntimeException e) {
                        // a bug or a hostile packet must not stop the media thread; log the first few only
                        if (handlerFailures++ < 10) {
                            LOG.warn("packet handler failed", e);
                        }
                    }
                }
                Runnable task;
                int n = 0;
                while (n++ < 1024 && (task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.warn("media task failed", e);
                    }
                }
                long now = millis.getAsLong();
                if (now >= nextTick) {
                    nextTick = now + tickMillis;
                    try {
                        tick.run();
                    } catch (RuntimeException e) {
                        LOG.warn("media tick failed", e);
                    }
                }
            } catch (IOException e) {
                if (running) {
                    LOG.warn("media socket error", e);
                }
            } catch (java.nio.channels.ClosedSelectorException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
    }
}
