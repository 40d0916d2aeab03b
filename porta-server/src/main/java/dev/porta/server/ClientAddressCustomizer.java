// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Makes every request's remote address the real client's, so the rate limits (sign-in, token, Identity
 * API, join by ID) and the loopback check of {@code /metrics} count clients, not the reverse proxy.
 * Only a direct peer listed in {@code http.trusted-proxies} may name the client (see
 * {@link TrustedProxies}); from anyone else the forwarding header is ignored. Jetty's own
 * ForwardedRequestCustomizer believes any peer, which is why Porta has this one.
 *
 * <p>The address is also left in the request attribute {@link #ATTRIBUTE}, which survives the upgrade
 * to a WebSocket (whose session reports only the TCP peer).
 */
final class ClientAddressCustomizer implements HttpConfiguration.Customizer {
    /** Request attribute holding the client's address as a literal string. */
    static final String ATTRIBUTE = "porta.client-address";

    private final TrustedProxies proxies;

    ClientAddressCustomizer(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return request;
        }
        InetAddress client = proxies.isEmpty() ? peer.getAddress()
                : proxies.client(peer.getAddress(), request.getHeaders().getValuesList(proxies.header().httpName()));
        request.setAttribute(ATTRIBUTE, client.getHostAddress());
        if (client.equals(peer.getAddress())) {
            return request;
        }
        InetSocketAddress clientSocket = new InetSocketAddress(client, 0);
        ConnectionMetaData meta = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return clientSocket;
            }
        };
        return new Request.Wrapper(request) {
            @Override
            public ConnectionMetaData getConnectionMetaData() {
                return meta;
            }
        };
    }
}
