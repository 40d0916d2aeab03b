// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.CallingService;
import dev.porta.calling.SignalingSession;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.websocket.WsContext;
import java.time.Duration;

/**
 * The calling protocol's WebSocket endpoint, {@code wss://<host>/calling/v1}: it decodes frames and
 * hands them to the calling engine, nothing more (authentication happens in the protocol's join).
 */
public final class CallingWebSocket {
    public static final String PATH = "/calling/v1";
    private static final String SESSION = "porta.calling.session";
    /** Set by porta-server's ClientAddressCustomizer on every request, the upgrade included. */
    private static final String CLIENT_ADDRESS = "porta.client-address";

    private final CallingService calling;
    private final int maxFrameChars;
    private final long maxQueuedBytes;
    private final Duration idleTimeout;

    public CallingWebSocket(CallingService calling, int maxFrameChars, long maxQueuedBytes, Duration idleTimeout) {
        this.calling = calling;
        this.maxFrameChars = maxFrameChars;
        this.maxQueuedBytes = maxQueuedBytes;
        this.idleTimeout = idleTimeout;
    }

    public void register(JavalinDefaultRoutingApi r) {
        r.ws(PATH, ws -> {
            ws.onConnect(ctx -> {
                // Let oversized frames through to the engine (up to a hard cap), so it can end the
                // participant with the documented messageTooLarge reason instead of a bare close.
                ctx.session.setMaxTextMessageSize(maxFrameChars * 4L + 1024);
                ctx.session.setMaxBinaryMessageSize(1024);
                ctx.session.setIdleTimeout(idleTimeout);
                JettySignalingConnection connection = new JettySignalingConnection(ctx.session, maxQueuedBytes,
                        ctx.attribute(CLIENT_ADDRESS));
                SignalingSession session = calling.open(connection);
                connection.whenClosedByServer(session::onClose);
                ctx.attribute(SESSION, session);
            });
            ws.onMessage(ctx -> session(ctx).onText(ctx.message()));
            ws.onBinaryMessage(ctx -> session(ctx).onBinary());
            ws.onClose(ctx -> {
                SignalingSession s = ctx.attribute(SESSION);
                if (s != null) {
                    s.onClose();
                }
            });
            ws.onError(ctx -> {
                SignalingSession s = ctx.attribute(SESSION);
                if (s != null) {
                    s.onClose();
                }
            });
        });
    }

    private static SignalingSession session(WsContext ctx) {
        return ctx.attribute(SESSION);
    }
}
