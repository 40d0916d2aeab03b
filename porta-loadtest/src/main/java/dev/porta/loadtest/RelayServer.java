// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/** A TURN server to relay through and the credentials for it, as Porta's {@code iceServers} message gives them. */
record RelayServer(InetSocketAddress address, String username, String password) {

    /**
     * The first {@code turn:} URL over UDP in an {@code iceServers} message, or null when there is none.
     * Only loopback servers are used: the load test never sends outside 127.0.0.1.
     */
    static RelayServer fromIceServers(JsonNode message) {
        for (JsonNode server : message.path("iceServers")) {
            for (JsonNode url : server.path("urls")) {
                String u = url.asText();
                if (!u.startsWith("turn:") || u.contains("transport=tcp")) {
                    continue;
                }
                // turn:host:port?transport=udp (RFC 7065)
                URI uri = URI.create("turn://" + u.substring("turn:".length()));
                try {
                    InetAddress host = InetAddress.getByName(uri.getHost());
                    if (!host.isLoopbackAddress()) {
                        throw new IllegalArgumentException("the load test only talks to loopback; the TURN server is " + u);
                    }
                    return new RelayServer(new InetSocketAddress(host, uri.getPort() > 0 ? uri.getPort() : 3478),
                            server.path("username").asText(), server.path("credential").asText());
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalArgumentException("TURN server " + u + ": " + e.getMessage(), e);
                }
            }
        }
        return null;
    }
}
