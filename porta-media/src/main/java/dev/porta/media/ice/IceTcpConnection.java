// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One accepted ICE-TCP connection (RFC 6544, passive side): RFC 4571 frames in and out, on the media
 * thread. Until its first valid ICE check it may send only a few STUN frames and must finish within the
 * handshake deadline; afterwards it is closed when idle past the consent timeout. Writes go straight to
 * the socket; what the socket cannot take waits in a queue bounded in bytes, and packets past that bound
 * are dropped whole (a frame is never cut, which would break the stream).
 */
final class IceTcpConnection implements Link {
    final SocketChannel channel;
    final InetSocketAddress remote;
    final long openedMillis;
    long lastFrameMillis;
    boolean authenticated;
    boolean closed;
    SelectionKey key;
    private final MediaLoop loop;
    private final Rfc4571Framer framer;
    private final int maxUnauthenticatedFrames;
    private final int maxQueuedBytes;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private int queuedBytes;
    private int unauthenticatedFrames;
    private Route route;

    IceTcpConnection(SocketChannel channel, InetSocketAddress remote, MediaLoop loop, int maxFrame,
                     int maxUnauthenticatedFrames, int maxQueuedBytes, long nowMillis) {
        this.channel = channel;
        this.remote = remote;
        this.loop = loop;
        this.framer = new Rfc4571Framer(maxFrame);
        this.maxUnauthenticatedFrames = maxUnauthenticatedFrames;
        this.maxQueuedBytes = maxQueuedBytes;
        this.openedMillis = nowMillis;
        this.lastFrameMillis = nowMillis;
    }

    /** Bytes read from the socket. */
    void received(byte[] b, int off, int len, long nowMillis, MediaLoop.PacketHandler handler) {
        boolean ok = framer.feed(b, off, len, (f, o, l) -> frame(f, o, l, nowMillis, handler));
        if (!ok && !closed) {
            loop.closeTcp(this, "frame-invalid");
        }
    }

    private void frame(byte[] f, int o, int l, long nowMillis, MediaLoop.PacketHandler handler) {
        if (closed) {
            return;
        }
        lastFrameMillis = nowMillis;
        if (!authenticated) {
            // before a valid check only STUN is meaningful, and only a few tries of it
            if ((f[o] & 0xFF) > 3 || ++unauthenticatedFrames > maxUnauthenticatedFrames) {
                loop.closeTcp(this, "unauthenticated");
                return;
            }
        }
        handler.packet(f, o, l, remote, this);
    }

    @Override
    public void validCheck() {
        authenticated = true;
    }

    @Override
    public void send(byte[] b, int off, int len, InetSocketAddress to) {
        if (len > 65535) {
            return;
        }
        if (!loop.inLoop()) {
            byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
            if (!loop.execute(() -> send(copy, 0, copy.length, to))) {
                loop.count("send-overflow");
            }
            return;
        }
        if (closed) {
            return;
        }
        if (queue.isEmpty()) {
            ByteBuffer tx = loop.tcpScratch(len + 2);
            tx.put((byte) (len >>> 8)).put((byte) len).put(b, off, len).flip();
            try {
                channel.write(tx);
            } catch (IOException e) {
                loop.closeTcp(this, "write-error");
                return;
            }
            if (tx.hasRemaining()) {
                enqueue(tx);
            }
            return;
        }
        if (queuedBytes + len + 2 > maxQueuedBytes) {
            loop.count("send-overflow");
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(len + 2);
        frame.put((byte) (len >>> 8)).put((byte) len).put(b, off, len).flip();
        enqueue(frame);
    }

    /** Keeps the rest of a frame the socket could not take; the frame is finished before any other. */
    private void enqueue(ByteBuffer rest) {
        ByteBuffer copy = ByteBuffer.allocate(rest.remaining());
        copy.put(rest).flip();
        queue.add(copy);
        queuedBytes += copy.remaining();
        if (key != null && key.isValid()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** The socket can take more: writes what waits. */
    void writable() {
        try {
            while (!queue.isEmpty()) {
                ByteBuffer head = queue.peek();
                int before = head.remaining();
                channel.write(head);
                queuedBytes -= before - head.remaining();
                if (head.hasRemaining()) {
                    return;
                }
                queue.poll();
            }
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            loop.closeTcp(this, "write-error");
        }
    }

    @Override
    public Route route(InetSocketAddress from) {
        return route;
    }

    @Override
    public void route(InetSocketAddress from, Route owner) {
        route = owner;
    }

    @Override
    public void unroute(InetSocketAddress from, Route owner) {
        if (route == owner) {
            route = null;
        }
    }

    /** Called once by the loop when it closes the connection. */
    void closed() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        Route r = route;
        route = null;
        if (r != null) {
            r.linkClosed(this);
        }
    }

    int buffered() {
        return framer.buffered() + queuedBytes;
    }

    @Override
    public String protocol() {
        return "tcp";
    }
}
