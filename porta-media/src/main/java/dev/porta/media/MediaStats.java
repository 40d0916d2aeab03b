// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of the SFU's counters, taken on the media thread; the server binds these to
 * Micrometer. Counters are totals since start; rates and estimates are current values. {@code tcp}
 * counts ICE-TCP connections: accepted, open, and each reason one was refused or closed; {@code ice} counts
 * ICE restarts and consent failures.
 */
public record MediaStats(int sessions, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                         Map<String, Long> drops, List<Participant> participants, Map<String, Long> tcp,
                         Map<String, Long> ice) {

    /** Without ICE-TCP and ICE counters. */
    public MediaStats(int sessions, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                      Map<String, Long> drops, List<Participant> participants) {
        this(sessions, packetsIn, bytesIn, packetsOut, bytesOut, drops, participants, Map.of(), Map.of());
    }

    /**
     * Per participant: what it sent us, what we sent it, how its subscribe side is doing, and what carries
     * its media ({@code transport}: udp, tcp, relay, or null before ICE).
     */
    public record Participant(String room, String id, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                              long packetsLost, long nacksReceived, long retransmissions, long keyframeRequests,
                              long bitrateEstimate, Map<String, Integer> layers, String transport) { }

    /** Participants by what carries their media: "udp", "tcp" (ICE-TCP), "relay" (TURN); not yet connected ones are left out. */
    public Map<String, Long> participantsByTransport() {
        Map<String, Long> m = new java.util.TreeMap<>(Map.of("udp", 0L, "tcp", 0L, "relay", 0L));
        for (Participant p : participants) {
            if (p.transport() != null) {
                m.merge(p.transport(), 1L, Long::sum);
            }
        }
        return m;
    }
}
