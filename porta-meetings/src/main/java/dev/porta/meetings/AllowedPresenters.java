// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import java.util.Arrays;
import java.util.Optional;

/** Who may present (Graph {@code onlineMeetingPresenters}). */
public enum AllowedPresenters {
    EVERYONE("everyone"),
    ORGANIZATION("organization"),
    ROLE_IS_PRESENTER("roleIsPresenter"),
    ORGANIZER("organizer");

    private final String wire;

    AllowedPresenters(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<AllowedPresenters> fromWire(String text) {
        return Arrays.stream(values()).filter(p -> p.wire.equals(text)).findFirst();
    }
}
