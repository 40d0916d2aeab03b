// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import dev.porta.common.ConfigException;
import dev.porta.media.IceTcpLimits;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The one media thread: owns the UDP sockets (one per bind address, all on one port) and, when ICE-TCP
 * is on, the TCP listeners and their connections; receives packets and hands each to the handler with
 * the {@link Link} it came on, runs tasks posted by other threads (bounded queue) and a periodic tick.
 * All SFU state is touched only here, so nothing on the packet path takes a lock.
 */
public final class MediaLoop implements AutoCloseable {
    /** Gets every packet, on the media thread; the bytes are valid only during the call. */
    public interface PacketHandler {
        void packet(byte[] b, int off, int len, InetSocketAddress from, Link via);
    }

    /** Where and how to listen for ICE-TCP; {@code idleMillis} closes an authenticated connection gone quiet. */
    public record TcpListen(List<InetSocketAddress> binds, IceTcpLimits limits, long idleMillis) { }

    private static final Logger LOG = LoggerFactory.getLogger(MediaLoop.class);
    private static final int MAX_DATAGRAM = 2048;
    private static final int BATCH = 256;
    private static final int TCP_READS = 16;

    private final List<UdpLink> udp = new ArrayList<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<IceTcpConnection> connections = new ArrayList<>();
    private final Map<InetAddress, Integer> connectionsByAddress = new HashMap<>();
    private final TcpListen tcp;
    private final Selector selector;
    private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(4096);
    private final ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ByteBuffer tx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ByteBuffer tcpTx = ByteBuffer.allocateDirect(MAX_DATAGRAM + 2);
    private final byte[] rxBytes = new byte[MAX_DATAGRAM];
    private final Thread thread;
    private final LongSupplier millis;
    private final long tickMillis;
    private final Map<String, Long> counters = new TreeMap<>();
    private volatile PacketHandler handler;
    private volatile Runnable tick = () -> { };
    private volatile boolean running = true;
    private long sendErrors;
    private long handlerFailures;

    /** One UDP socket, no ICE-TCP. */
    public MediaLoop(InetSocketAddress bind, LongSupplier millis, long tickMillis) throws IOException {
        this(List.of(bind), null, millis, tickMillis);
    }

    /**
     * Binds a UDP socket on each of {@code udpBinds} (port 0 in the first picks a free port that the others
     * then share) and, when {@code tcp} is given, a TCP listener on each of its addresses likewise. A port
     * already taken fails with a {@link ConfigException} naming the key, not a stack trace.
     */
    public MediaLoop(List<InetSocketAddress> udpBinds, TcpListen tcp, LongSupplier millis, long tickMillis) throws IOException {
        this.millis = millis;
        this.tickMillis = tickMillis;
        this.tcp = tcp;
        this.selector = Selector.open();
        try {
            int port = udpBinds.getFirst().getPort();
            for (InetSocketAddress a : udpBinds) {
                DatagramChannel ch = DatagramChannel.open(a.getAddress() instanceof java.net.Inet6Address
                        ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                UdpLink link = new UdpLink(ch, this);
                udp.add(link);
                int p = port;
                bind(() -> ch.bind(new InetSocketAddress(a.getAddress(), p)), "media.port", "UDP", a.getAddress(), p);
                port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                ch.register(selector, SelectionKey.OP_READ, link);
            }
            if (tcp != null && !tcp.binds().isEmpty()) {
                int tport = tcp.binds().getFirst().getPort();
                for (InetSocketAddress a : tcp.binds()) {
                    ServerSocketChannel s = ServerSocketChannel.open(a.getAddress() instanceof java.net.Inet6Address
                            ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
                    listeners.add(s);
                    s.configureBlocking(false);
                    s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    int p = tport;
                    bind(() -> s.bind(new InetSocketAddress(a.getAddress(), p), 128), "media.tcp-port", "TCP", a.getAddress(), p);
                    tport = ((InetSocketAddress) s.getLocalAddress()).getPort();
                    s.register(selector, SelectionKey.OP_ACCEPT, s);
                }
            }
        } catch (IOException | RuntimeException e) {
            closeSockets();
            throw e;
        }
        this.thread = new Thread(this::run, "porta-media-loop");
        thread.setDaemon(true);
    }

    private interface Binder {
        void bind() throws IOException;
    }

    private static void bind(Binder b, String key, String protocol, InetAddress address, int port) throws IOException {
        try {
            b.bind();
        } catch (BindException e) {
            throw new ConfigException(key, protocol + " port " + port + " on " + address.getHostAddress() + " cannot be bound ("
                    + e.getMessage() + "): another process (another Porta?) has it, or the address is not this machine's;"
                    + " stop it or choose another port (0 picks a free one)");
        }
    }

    public void start(PacketHandler handler, Runnable tick) {
        this.handler = handler;
        this.tick = tick;
        thread.start();
    }

    /** The first UDP socket's address. */
    public InetSocketAddress localAddress() {
        return udpAddresses().getFirst();
    }

    public List<InetSocketAddress> udpAddresses() {
        List<InetSocketAddress> l = new ArrayList<>();
        for (UdpLink u : udp) {
            try {
                l.add((InetSocketAddress) u.channel.getLocalAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return l;
    }

    /** The ICE-TCP port, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        if (listeners.isEmpty()) {
            return -1;
        }
        try {
            return ((InetSocketAddress) listeners.getFirst().getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The link of the first UDP socket (tests, and sends with no better choice). */
    public Link firstUdpLink() {
        return udp.getFirst();
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

    /** Sends one datagram on the first UDP socket. */
    public void send(byte[] b, int off, int len, SocketAddress to) {
        sendUdp(udp.getFirst().channel, b, off, len, to);
    }

    /** Sends one datagram; on the media thread uses a preallocated buffer, elsewhere wraps. */
    void sendUdp(DatagramChannel channel, byte[] b, int off, int len, SocketAddress to) {
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

    ByteBuffer tcpScratch(int len) {
        ByteBuffer b = len <= tcpTx.capacity() ? tcpTx : ByteBuffer.allocate(len);
        b.clear();
        return b;
    }

    void count(String what) {
        counters.merge(what, 1L, Long::sum);
    }

    /** ICE-TCP refusals and closes by reason, and the open connections; read on the media thread. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>(counters);
        if (!listeners.isEmpty()) {
            m.put("open", (long) connections.size());
        }
        return m;
    }

    public long sendErrors() {
        return sendErrors;
    }

    /** Datagrams whose handling threw (a bug, counted rather than fatal). */
    public long handlerFailures() {
        return handlerFailures;
    }

    private void deliver(byte[] b, int off, int len, InetSocketAddress from, Link via) {
        try {
            handler.packet(b, off, len, from, via);
        } catch (RuntimeException e) {
            // a bug or a hostile packet must not stop the media thread; log the first few only
            if (handlerFailures++ < 10) {
                LOG.warn("packet handler failed", e);
            }
        }
    }

    private void run() {
        long nextTick = millis.getAsLong() + tickMillis;
        while (running) {
            try {
                long wait = Math.max(1, nextTick - millis.getAsLong());
                selector.select(wait);
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) {
                        continue;
                    }
                    Object a = k.attachment();
                    if (a instanceof UdpLink u) {
                        receiveUdp(u);
                    } else if (a instanceof ServerSocketChannel s) {
                        accept(s);
                    } else if (a instanceof IceTcpConnection c) {
                        if (k.isWritable()) {
                            c.writable();
                        }
                        if (!c.closed && k.isValid() && k.isReadable()) {
                            receiveTcp(c);
                        }
                    }
                }
                selector.selectedKeys().clear();
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
                    expireTcp(now);
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

    private void receiveUdp(UdpLink u) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            rx.clear();
            SocketAddress from = u.channel.receive(rx);
            if (from == null) {
                return;
            }
            rx.flip();
            int n = rx.remaining();
            rx.get(rxBytes, 0, n);
            deliver(rxBytes, 0, n, (InetSocketAddress) from, u);
        }
    }

    private void accept(ServerSocketChannel s) throws IOException {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch = s.accept();
            if (ch == null) {
                return;
            }
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            IceTcpLimits l = tcp.limits();
            int fromThere = connectionsByAddress.getOrDefault(remote.getAddress(), 0);
            if (connections.size() >= l.maxConnections()) {
                count("refused-connection-limit");
                ch.close();
                continue;
            }
            if (fromThere >= l.maxConnectionsPerAddress()) {
                count("refused-address-limit");
                ch.close();
                continue;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            IceTcpConnection c = new IceTcpConnection(ch, remote, this, l.maxFrameBytes(), l.maxUnauthenticatedFrames(),
                    l.maxQueuedBytes(), millis.getAsLong());
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            connections.add(c);
            connectionsByAddress.merge(remote.getAddress(), 1, Integer::sum);
            count("accepted");
        }
    }

    private void receiveTcp(IceTcpConnection c) {
        for (int i = 0; i < TCP_READS && !c.closed; i++) {
            rx.clear();
            int n;
            try {
                n = c.channel.read(rx);
            } catch (IOException e) {
                closeTcp(c, "read-error");
                return;
            }
            if (n < 0) {
                closeTcp(c, null);
                return;
            }
            if (n == 0) {
                return;
            }
            rx.flip();
            rx.get(rxBytes, 0, n);
            try {
                c.received(rxBytes, 0, n, millis.getAsLong(), this::deliver);
            } catch (RuntimeException e) {
                if (handlerFailures++ < 10) {
                    LOG.warn("ICE-TCP frame handling failed", e);
                }
                closeTcp(c, "handler-failure");
            }
        }
    }

    private void expireTcp(long now) {
        if (connections.isEmpty()) {
            return;
        }
        long handshake = tcp.limits().handshakeTimeout().toMillis();
        for (int i = connections.size() - 1; i >= 0; i--) { // backwards: closing removes the connection
            IceTcpConnection c = connections.get(i);
            if (!c.authenticated && now - c.openedMillis >= handshake) {
                closeTcp(c, "handshake-timeout");
            } else if (c.authenticated && now - c.lastFrameMillis >= tcp.idleMillis()) {
                closeTcp(c, "idle-timeout");
            }
        }
    }

    /** Closes one ICE-TCP connection, counting {@code reason} (null: the peer closed it). */
    void closeTcp(IceTcpConnection c, String reason) {
        if (c.closed) {
            return;
        }
        if (reason != null) {
            count(reason);
        }
        connections.remove(c);
        connectionsByAddress.computeIfPresent(c.remote.getAddress(), (k, v) -> v <= 1 ? null : v - 1);
        try {
            c.channel.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
        c.closed();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeSockets();
    }

    private void closeSockets() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
        for (UdpLink u : udp) {
            closeQuietly(u.channel);
        }
        for (ServerSocketChannel s : listeners) {
            closeQuietly(s);
        }
        for (IceTcpConnection c : connections) {
            closeQuietly(c.channel);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
    }
}
