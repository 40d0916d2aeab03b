// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The resource names that mean "Porta's Graph-compatible API": Microsoft Graph's own (so code copied
 * from Microsoft's samples works unchanged) and Porta's public base URL.
 */
public final class Audiences {
    public static final String GRAPH = "https://graph.microsoft.com";
    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    /**
     * The calling service's own audience, only in tokens from the token-exchange grant. Never one of
     * Graph's: {@link #forResource} does not know it, so a calling token is refused by the meetings API.
     */
    public static final String CALLING = "urn:porta:calling";

    private final Supplier<String> baseUrl;

    /** @param baseUrl Porta's public base URL, e.g. {@code https://porta.example:8443/} */
    public Audiences(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The audience to put in a token for a requested resource, or empty when it is not Porta's. */
    public Optional<String> forResource(String resource) {
        String r = stripSlash(resource);
        if (r.equalsIgnoreCase(GRAPH) || r.equalsIgnoreCase(GRAPH_APP_ID)) {
            return Optional.of(GRAPH);
        }
        if (r.equalsIgnoreCase(own())) {
            return Optional.of(own());
        }
        return Optional.empty();
    }

    public boolean accepts(String audience) {
        return audience != null && forResource(audience).isPresent();
    }

    String own() {
        return stripSlash(baseUrl.get()).toLowerCase(Locale.ROOT);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
