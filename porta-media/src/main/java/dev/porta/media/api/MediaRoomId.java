// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** A media room: the set of sessions that forward to each other (a meeting, or one of its breakout rooms). */
public record MediaRoomId(String value) {
    public MediaRoomId {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException("media room id must be 1-200 characters");
        }
    }
}
