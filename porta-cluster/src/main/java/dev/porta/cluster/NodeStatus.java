// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import java.net.URI;
import java.util.List;

/**
 * What a node says of itself at each heartbeat.
 *
 * @param url              its own public base URL (clients sent to it as a meeting's home connect there)
 * @param mediaAddresses   the media addresses its SFU advertises (informational: a client learns them from its ICE candidates)
 * @param meetings         live meetings on it
 * @param participants     participants of those meetings, lobby included
 * @param packetsPerSecond media packets in and out per second since the last heartbeat
 */
public record NodeStatus(URI url, List<String> mediaAddresses, int meetings, int participants, long packetsPerSecond) {
    public NodeStatus {
        mediaAddresses = List.copyOf(mediaAddresses);
        if (meetings < 0 || participants < 0 || packetsPerSecond < 0) {
            throw new IllegalArgumentException("load is never negative");
        }
    }
}
