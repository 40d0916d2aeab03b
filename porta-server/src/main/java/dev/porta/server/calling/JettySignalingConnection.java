// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.SignalingConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A calling connection over a Jetty WebSocket session. Sends never block: Jetty queues frames in
 * order, and this class bounds what may wait in that queue — a client that does not read (or reads
 * too slowly) is disconnected rather than allowed to grow the server's memory.
 */
final class JettySignalingConnection implements SignalingConnection {
    private static final Logger LOG = LoggerFactory.getLogger(JettySignalingConnection.class);
    /** WebSocket close code for "try again later" (RFC 6455 registry), used for slow readers. */
    private static final int TRY_AGAIN_LATER = 1013;

    private final Session session;
    private final long maxQueuedBytes;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final String remote;
    private volatile Runnable closedByServer = () -> { };

    /** @param clientAddress the client as the HTTP layer resolved it (behind a trusted proxy, not the proxy); null for the TCP peer */
    JettySignalingConnection(Session session, long maxQueuedBytes, String clientAddress) {
        this.session = session;
        this.maxQueuedBytes = maxQueuedBytes;
        SocketAddress address = session.getRemoteSocketAddress();
        this.remote = clientAddress != null ? clientAddress
                : address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    @Override
    public void send(String text) {
        if (closing.get()) {
            return;
        }
        long size = text.length() * 2L;
        if (queued.addAndGet(size) > maxQueuedBytes) {
            LOG.info("closing calling connection from {}: {} bytes queued and not read", remote, queued.get());
            close(TRY_AGAIN_LATER, "slowConsumer");
            return;
        }
        session.sendText(text, Callback.from(() -> queued.addAndGet(-size), failure -> queued.addAndGet(-size)));
    }

    /**
     * What to run once this side closed the socket (a slow consumer, or the engine's own close), without
     * waiting for the client to complete the close handshake: a client that stopped reading may never
     * answer, and its participant must not stay Connected meanwhile.
     */
    void whenClosedByServer(Runnable action) {
        this.closedByServer = action;
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            session.close(code, reason, Callback.NOOP);
            // Not on this thread: close() may run inside a meeting's lock, in the middle of a broadcast.
            Thread.ofVirtual().name("porta-calling-closed").start(closedByServer);
        }
    }

    @Override
    public String remoteAddress() {
        return remote;
    }
}
