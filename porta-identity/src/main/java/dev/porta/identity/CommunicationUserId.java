// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A communication identity's raw id in the ACS format {@code 8:acs:<resourceId>_<opaque>}: what the
 * Identity API returns and what a guest is known by in a meeting.
 */
public record CommunicationUserId(String value) {
    private static final Pattern FORMAT = Pattern.compile(
            "8:acs:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public CommunicationUserId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a communication user id: " + value);
        }
    }

    public static CommunicationUserId create(UUID resourceId, UUID opaque) {
        return new CommunicationUserId("8:acs:" + resourceId + "_" + opaque);
    }

    /** Parses a raw id, or returns null when it is not one (callers answer 404, never 500). */
    public static CommunicationUserId parseOrNull(String raw) {
        return raw != null && FORMAT.matcher(raw).matches() ? new CommunicationUserId(raw) : null;
    }

    public UUID resourceId() {
        return UUID.fromString(value.substring(6, 42));
    }

    /** The id without the leading {@code 8:}, as ACS tokens carry it in {@code skypeid}. */
    public String skypeId() {
        return value.substring(2);
    }
}
