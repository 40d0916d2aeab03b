// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.calling.CallingService;
import dev.porta.calling.SignalingConnection;
import dev.porta.calling.SignalingSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connection without a socket, driven synchronously: frames are recorded, and the "transport" can
 * close itself on the n-th frame (as Jetty does for a slow consumer), reporting the close to the session
 * at once, on the sending thread. Also counts queued bytes the way the Jetty adapter does (2 per char),
 * as if the client read nothing.
 */
public final class DirectConnection implements SignalingConnection {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<String> frames = new CopyOnWriteArrayList<>();
    private final String address;
    private final int closeOnSend;
    private final long maxQueuedBytes;
    private SignalingSession session;
    private volatile boolean closed;
    private volatile int closeCode;
    private long queuedBytes;

    private DirectConnection(String address, int closeOnSend, long maxQueuedBytes) {
        this.address = address;
        this.closeOnSend = closeOnSend;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** @param closeOnSend close the transport right after this many frames were sent (0: never) */
    public static DirectConnection open(CallingService calling, String address, int closeOnSend) {
        return open(calling, address, closeOnSend, Long.MAX_VALUE);
    }

    /** @param maxQueuedBytes close as {@code slowConsumer} (1013) when unread frames exceed this */
    public static DirectConnection open(CallingService calling, String address, int closeOnSend, long maxQueuedBytes) {
        DirectConnection c = new DirectConnection(address, closeOnSend, maxQueuedBytes);
        SignalingSession s = calling.open(c);
        synchronized (c) {
            c.session = s;
            if (c.closed) {
                s.onClose();
            }
        }
        return c;
    }

    public DirectConnection text(String frame) {
        session.onText(frame);
        return this;
    }

    /** The client goes away (the transport reports the close). */
    public void drop() {
        transportClosed(1006);
    }

    public boolean isClosed() {
        return closed;
    }

    public int closeCode() {
        return closeCode;
    }

    public long queuedBytes() {
        return queuedBytes;
    }

    public List<JsonNode> all(String type) {
        return frames.stream().map(DirectConnection::parse).filter(n -> n.path("type").asText().equals(type)).toList();
    }

    @Override
    public void send(String text) {
        if (closed) {
            return;
        }
        frames.add(text);
        queuedBytes += text.length() * 2L;
        if (queuedBytes > maxQueuedBytes || frames.size() == closeOnSend) {
            transportClosed(1013);
        }
    }

    @Override
    public void close(int code, String reason) {
        transportClosed(code);
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    private void transportClosed(int code) {
        SignalingSession s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeCode = code;
            s = session;
        }
        if (s != null) {
            s.onClose();
        }
    }

    private static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
