// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import java.time.Duration;
import java.util.List;

/**
 * A live node as the registry in Redis holds it (for {@code porta admin cluster} and the metrics).
 *
 * @param heartbeatAge how long ago it last beat, by Redis's clock
 * @param homes        the meetings whose lease it held at its last heartbeat or placed since
 * @param draining     its drain flag is set: it takes no new meeting and exits once its meetings ended
 */
public record ClusterNode(String nodeId, String url, List<String> mediaAddresses, int meetings, int participants,
                          long packetsPerSecond, Duration heartbeatAge, List<String> homes,
                          boolean draining) {
    public ClusterNode {
        mediaAddresses = List.copyOf(mediaAddresses);
        homes = List.copyOf(homes);
    }
}
