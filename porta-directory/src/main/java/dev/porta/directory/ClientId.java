// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Locale;
import java.util.Optional;

/** An app registration's client (application) id; {@code appid}/{@code azp} in its tokens. */
public record ClientId(String value) {
    public ClientId {
        Ids.requireUuid(value, "client id");
    }

    public static ClientId random() {
        return new ClientId(Ids.newUuid());
    }

    public static Optional<ClientId> parse(String text) {
        return Ids.isUuid(text) ? Optional.of(new ClientId(text.toLowerCase(Locale.ROOT))) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
