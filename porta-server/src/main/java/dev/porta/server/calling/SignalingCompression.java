// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import java.util.zip.Deflater;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.compression.DeflaterPool;
import org.eclipse.jetty.util.compression.InflaterPool;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.internal.PerMessageDeflateExtension;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

/**
 * permessage-deflate (RFC 7692) on the signalling WebSocket, with its memory bounded. Roster and chat JSON
 * compresses several times over, which matters most in a join storm. Left to itself Jetty keeps one
 * deflater (about 256 KiB of zlib state) and one inflater per connection for the connection's lifetime:
 * 1,000 participants would hold a quarter of a gigabyte outside the heap. Here every accepted offer is
 * answered with {@code server_no_context_takeover} and {@code client_no_context_takeover} (a server may
 * add both whatever the client offered, RFC 7692 §7.1.1), so each message is compressed on its own: a
 * connection borrows a deflater from the server's pool only while it compresses one message, and the pools
 * keep at most {@code calling.compression-pool} of each between messages. A client that does not offer the
 * extension gets plain frames.
 */
public final class SignalingCompression {
    private SignalingCompression() { }

    /** Before the server starts: the bounded pools the WebSocket components will take. */
    public static void boundPools(Server server, int pooled) {
        server.addBean(new DeflaterPool(pooled, Deflater.DEFAULT_COMPRESSION, true));
        server.addBean(new InflaterPool(pooled, true));
    }

    /** Once the server runs: negotiates the extension as {@link PerMessageWithoutContext}, or not at all. */
    public static void negotiate(ContextHandler context, boolean enabled) {
        WebSocketComponents components = WebSocketServerComponents.getWebSocketComponents(context);
        if (enabled) {
            components.getExtensionRegistry().register("permessage-deflate", PerMessageWithoutContext.class);
        } else {
            components.getExtensionRegistry().getAvailableExtensions().remove("permessage-deflate");
        }
    }

    /** Jetty's permessage-deflate, always without context takeover in either direction. */
    public static final class PerMessageWithoutContext extends PerMessageDeflateExtension {
        @Override
        public void init(ExtensionConfig offered, WebSocketComponents components) {
            ExtensionConfig bounded = new ExtensionConfig(offered);
            bounded.setParameter("server_no_context_takeover");
            bounded.setParameter("client_no_context_takeover");
            super.init(bounded, components);
        }
    }
}
