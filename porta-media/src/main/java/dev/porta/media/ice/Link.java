// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import java.net.InetSocketAddress;

/**
 * A local socket media arrives on: one bound UDP socket (many remote addresses), or one accepted ICE-TCP
 * connection (one remote address). Each link keeps its own table of who owns the packets from which
 * remote address, so the same remote address on two links never mixes. Used on the media thread, except
 * {@link #send}, which any thread may call.
 */
public interface Link {
    /** Sends one packet to {@code to} (a TCP link ignores it: it has one peer). Never blocks. */
    void send(byte[] b, int off, int len, InetSocketAddress to);

    /** Who receives what {@code from} sends on this link, or null. */
    Route route(InetSocketAddress from);

    void route(InetSocketAddress from, Route owner);

    /** Forgets {@code from} if {@code owner} still owns it. */
    void unroute(InetSocketAddress from, Route owner);

    /** A valid ICE check arrived on this link (a TCP connection is then past its handshake). */
    default void validCheck() { }

    /** "udp" or "tcp", as in SDP candidates. */
    String protocol();

    /** The owner of a remote address on a link: a peer transport. */
    interface Route {
        void receiveFromLoop(byte[] b, int off, int len, long nowMillis);

        /** The link has gone (a TCP connection closed): stop sending on it. */
        void linkClosed(Link link);
    }
}
