// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;

/** One bound UDP socket of a media loop and the remote addresses whose packets it routes. */
final class UdpLink implements Link {
    final DatagramChannel channel;
    private final MediaLoop loop;
    private final Map<InetSocketAddress, Route> routes = new HashMap<>();

    UdpLink(DatagramChannel channel, MediaLoop loop) {
        this.channel = channel;
        this.loop = loop;
    }

    @Override
    public void send(byte[] b, int off, int len, InetSocketAddress to) {
        loop.sendUdp(channel, b, off, len, to);
    }

    @Override
    public Route route(InetSocketAddress from) {
        return routes.get(from);
    }

    @Override
    public void route(InetSocketAddress from, Route owner) {
        routes.put(from, owner);
    }

    @Override
    public void unroute(InetSocketAddress from, Route owner) {
        routes.remove(from, owner);
    }

    @Override
    public String protocol() {
        return "udp";
    }
}
