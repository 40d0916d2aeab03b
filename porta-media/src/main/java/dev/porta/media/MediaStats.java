// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of the SFU's counters, taken on the media thread; the server binds these to
 * Micrometer. Counters are totals since start; rates and estimates are current values. {@code tcp}
 * counts ICE-TCP connections: accepted, open, and each reason one was refused or closed.
 */
public record MediaStats(int sessions, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                         Map<String, Long> drops, List<Participant> participants, Map<String, Long> tcp) {

    /** Without ICE-TCP counters. */
    public MediaStats(int sessions, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                      Map<String, Long> drops, List<Participant> participants) {
        this(sessions, packetsIn, bytesIn, packetsOut, bytesOut, drops, participants, Map.of());
    }

    /** Per participant: what it sent us, what we sent it, and how its subscribe side is doing. */
    public record Participant(String room, String id, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                              long packetsLost, long nacksReceived, long retransmissions, long keyframeRequests,
                              long bitrateEstimate, Map<String, Integer> layers) { }
}
