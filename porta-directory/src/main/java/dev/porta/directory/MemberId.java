// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Locale;
import java.util.Optional;

/** A member's object id; the {@code oid} of their tokens and the {@code userId} of Graph paths. */
public record MemberId(String value) {
    public MemberId {
        Ids.requireUuid(value, "member id");
    }

    public static MemberId random() {
        return new MemberId(Ids.newUuid());
    }

    public static Optional<MemberId> parse(String text) {
        return Ids.isUuid(text) ? Optional.of(new MemberId(text.toLowerCase(Locale.ROOT))) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
