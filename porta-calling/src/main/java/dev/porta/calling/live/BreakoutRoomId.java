// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.util.Objects;

/** One breakout room of a live meeting ({@code r1}, {@code r2}…, in the order the organizer named them). */
public record BreakoutRoomId(String value) {
    public BreakoutRoomId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
