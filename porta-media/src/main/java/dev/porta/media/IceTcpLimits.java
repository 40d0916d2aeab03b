// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import java.time.Duration;

/**
 * Bounds of the ICE-TCP listener, so that a TCP port open to the internet costs an attacker more than
 * it costs the SFU.
 *
 * @param maxFrameBytes         largest RFC 4571 frame accepted (a media packet is below the MTU); a
 *                              longer length prefix closes the connection
 * @param handshakeTimeout      a connection must complete a valid ICE check within this, or it is closed
 *                              (slow-loris and idle connections)
 * @param maxUnauthenticatedFrames frames a connection may send before its first valid check
 * @param maxConnectionsPerAddress open connections from one remote IP address
 * @param maxConnections        open connections per media thread
 * @param maxQueuedBytes        bytes waiting to be written to one slow connection; packets past it are dropped
 */
public record IceTcpLimits(int maxFrameBytes, Duration handshakeTimeout, int maxUnauthenticatedFrames,
                           int maxConnectionsPerAddress, int maxConnections, int maxQueuedBytes) {

    public static IceTcpLimits defaults() {
        return new IceTcpLimits(2048, Duration.ofSeconds(5), 8, 16, 1024, 262_144);
    }

    /** The optional {@code media.tcp-*} bounds; any not set keeps its default. */
    public static IceTcpLimits from(dev.porta.common.Config c) {
        IceTcpLimits d = defaults();
        return new IceTcpLimits(d.maxFrameBytes,
                c.has("media.tcp-handshake-timeout") ? c.duration("media.tcp-handshake-timeout") : d.handshakeTimeout,
                d.maxUnauthenticatedFrames,
                c.has("media.tcp-max-connections-per-address")
                        ? c.integer("media.tcp-max-connections-per-address", 1, 100_000) : d.maxConnectionsPerAddress,
                c.has("media.tcp-max-connections") ? c.integer("media.tcp-max-connections", 1, 1_000_000) : d.maxConnections,
                d.maxQueuedBytes);
    }
}
