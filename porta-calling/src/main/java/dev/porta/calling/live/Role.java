// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

/** A participant's meeting role, decided on entry from the meeting's settings. */
public enum Role {
    ORGANIZER, PRESENTER, ATTENDEE;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean presents() {
        return this != ATTENDEE;
    }
}
