// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import java.util.Arrays;
import java.util.Optional;

/** A participant's role in a meeting (Graph {@code onlineMeetingRole}); the last two are evolvable members. */
public enum MeetingRole {
    ATTENDEE("attendee", false),
    PRESENTER("presenter", false),
    PRODUCER("producer", true),
    COORGANIZER("coorganizer", true);

    private final String wire;
    private final boolean evolvable;

    MeetingRole(String wire, boolean evolvable) {
        this.wire = wire;
        this.evolvable = evolvable;
    }

    public String wire() {
        return wire;
    }

    public boolean evolvable() {
        return evolvable;
    }

    public static Optional<MeetingRole> fromWire(String text) {
        return Arrays.stream(values()).filter(r -> r.wire.equals(text)).findFirst();
    }
}
