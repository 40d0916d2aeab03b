// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.net.URI;

/**
 * Which node is a live meeting's home. A meeting lives on one node (its lobby, roster and SFU session);
 * a node serves a join only when it is the meeting's home, and sends the client to the home otherwise.
 * One node: every meeting lives here ({@link #local()}). A cluster ({@code porta-cluster}): the first
 * join places the meeting on the least-loaded live node under a lease in Redis, which the home renews
 * while the meeting is live; placing is atomic, so a meeting never has two homes.
 */
public interface MeetingPlacement {

    /** Where a meeting lives, as far as this node can tell now. */
    sealed interface Home {
        /** This node holds the meeting's lease: serve it. */
        record Here() implements Home { }

        /**
         * Another live node holds the lease.
         *
         * @param url that node's own public base URL, as it registered itself (never taken from a client)
         */
        record Elsewhere(String nodeId, URI url) implements Home { }

        /** No home can be given now (Redis unreachable, no live node, or the home stopped heartbeating): retry. */
        record Unavailable(String why) implements Home { }
    }

    Home.Here HERE = new Home.Here();

    /**
     * The meeting's home: the existing one, or, at its first join, a new one chosen now. Called for every
     * join (not only the first): a node serves only meetings whose lease it holds.
     */
    Home place(String meetingId);

    /**
     * Whether the node {@code nodeId} is registered as live now. When in doubt (Redis unreachable) the answer
     * is yes: a caller uses it to refuse taking over what that node may still serve.
     */
    default boolean isLive(String nodeId) {
        return true;
    }

    /** Every meeting lives in this process. */
    static MeetingPlacement local() {
        return meetingId -> HERE;
    }
}
