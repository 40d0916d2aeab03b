// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.util.Objects;

/**
 * One participation in one live meeting ({@code p-…}, random, unguessable): what the roster, the lobby and
 * every moderation action name. A rejoin is a new participation with a new id.
 */
public record ParticipantId(String value) {
    public ParticipantId {
        Objects.requireNonNull(value, "value");
    }

    static ParticipantId random() {
        return new ParticipantId("p-" + LiveMeeting.randomToken(16));
    }

    /** The id a client sent, or null when it sent none. */
    public static ParticipantId ofNullable(String value) {
        return value == null ? null : new ParticipantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
