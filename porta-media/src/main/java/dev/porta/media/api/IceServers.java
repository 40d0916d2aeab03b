// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

import java.time.Instant;
import java.util.List;

/**
 * The relays one participant may use, with credentials valid until {@code expiresAt}: what a browser puts
 * in {@code RTCPeerConnection}'s {@code iceServers}.
 */
public record IceServers(List<Server> servers, Instant expiresAt) {
    public IceServers {
        servers = List.copyOf(servers);
    }

    /** One {@code RTCIceServer}: {@code turn:}/{@code turns:} URLs and their credentials. */
    public record Server(List<String> urls, String username, String credential) {
        public Server {
            urls = List.copyOf(urls);
        }
    }
}
