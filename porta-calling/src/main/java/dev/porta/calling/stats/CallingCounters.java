// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.stats;

import dev.porta.calling.protocol.EndReason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Node-wide event counters: joins, ends by reason, and requests refused because a meeting was busy. Thread-safe. */
public final class CallingCounters {
    private final LongAdder joins = new LongAdder();
    private final LongAdder meetingBusy = new LongAdder();
    private final LongAdder rehomed = new LongAdder();
    private final Map<EndReason, LongAdder> ends = new EnumMap<>(EndReason.class);

    public CallingCounters() {
        for (EndReason r : EndReason.values()) {
            ends.put(r, new LongAdder());
        }
    }

    public void joined() {
        joins.increment();
    }

    /** A participant of a meeting whose home died came back here with its resume ticket. */
    public void rehomed() {
        rehomed.increment();
    }

    public long rehomes() {
        return rehomed.sum();
    }

    public void ended(EndReason reason) {
        ends.get(reason).increment();
    }

    /** A request found its meeting's queue full ({@code calling.meeting-queue}) and was refused. */
    public void meetingBusy() {
        meetingBusy.increment();
    }

    public long meetingBusyRefusals() {
        return meetingBusy.sum();
    }

    public long joins() {
        return joins.sum();
    }

    /** Counts by end reason, keyed by camelCase reason name ({@code passcodeWrong}). */
    public Map<String, Long> endsByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        ends.forEach((r, n) -> out.put(wireName(r), n.sum()));
        return out;
    }

    public static String wireName(EndReason r) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : r.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
