// SPDX-License-Identifier: Apache-2.0
package dev.porta.common.testing;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a service a fresh machine may lack (PostgreSQL, Redis, Chromium) call {@link #require}.
 * By hand, a missing service skips the test with a loud message; when the system property
 * {@code porta.require} is {@code all} (CI sets it) or names the service, a missing service fails it,
 * so CI never goes green without the real thing.
 */
public final class RequiredService {
    private RequiredService() { }

    public static void require(String service, boolean available, String howToGetIt) {
        if (available) {
            return;
        }
        String message = "\n*** " + service.toUpperCase(Locale.ROOT) + " IS NOT AVAILABLE: this test needs it. "
                + howToGetIt + " ***\n";
        if (isRequired(service)) {
            throw new AssertionError(message + "(porta.require=" + System.getProperty("porta.require") + ")");
        }
        System.err.println(message + "*** SKIPPING; set -Dporta.require=all to make this a failure. ***");
        Assumptions.abort(service + " not available: " + howToGetIt);
    }

    public static boolean isRequired(String service) {
        String required = System.getProperty("porta.require", "");
        return Arrays.stream(required.split(","))
                .map(String::trim)
                .anyMatch(s -> s.equalsIgnoreCase("all") || s.equalsIgnoreCase(service));
    }
}
