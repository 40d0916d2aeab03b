// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Locale;
import java.util.Optional;

/** A tenant (organization) id; the {@code tid} of its tokens. */
public record TenantId(String value) {
    public TenantId {
        Ids.requireUuid(value, "tenant id");
    }

    public static TenantId random() {
        return new TenantId(Ids.newUuid());
    }

    /** The id in any letter case, or empty when the text is not a tenant id. */
    public static Optional<TenantId> parse(String text) {
        return Ids.isUuid(text) ? Optional.of(new TenantId(text.toLowerCase(Locale.ROOT))) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
