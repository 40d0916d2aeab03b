// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.stats;

import java.util.List;
import java.util.Map;

/** Per-node and per-meeting counters, read by the server's metrics binding. Cheap to call. */
public interface CallingStats {

    NodeStats node();

    List<MeetingStats> meetings();

    /**
     * @param endsByReason how often each end reason (left, refused, removed…) happened, by wire name
     *                     ({@code meetingNotFound}, {@code passcodeWrong}, …); refusals are the non-success ones
     */
    record NodeStats(int liveMeetings, int participants, int lobby, long joins, Map<String, Long> endsByReason) { }

    record MeetingStats(String meetingId, int participants, int lobby, long joins) { }
}
