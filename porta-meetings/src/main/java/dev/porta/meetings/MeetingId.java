// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An online meeting's id: opaque and URL-safe (Base64url, no padding), so it survives a path segment
 * without percent-encoding — the SDK encodes ids, and {@code %2F} often does not survive HTTP layers.
 */
public record MeetingId(String value) {
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public MeetingId {
        if (value == null || !URL_SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("a meeting id is 16 to 64 URL-safe Base64 characters");
        }
    }

    public static MeetingId random() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return new MeetingId(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    public static Optional<MeetingId> parse(String text) {
        return text != null && URL_SAFE.matcher(text).matches() ? Optional.of(new MeetingId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
