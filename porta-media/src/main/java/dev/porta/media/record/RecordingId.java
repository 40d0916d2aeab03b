// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.util.Objects;

/** A recording of one meeting: the meeting's id and a random id of its own ({@code [A-Za-z0-9_-]{8,64}}). */
public record RecordingId(String meetingId, String value) {
    public RecordingId {
        Objects.requireNonNull(meetingId, "meetingId");
        if (meetingId.isEmpty() || meetingId.length() > 512) {
            throw new IllegalArgumentException("not a meeting id");
        }
        if (value == null || !value.matches("[A-Za-z0-9_-]{8,64}")) {
            throw new IllegalArgumentException("not a recording id");
        }
    }

    /** A fresh id for a recording of {@code meetingId}. */
    public static RecordingId random(String meetingId) {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return new RecordingId(meetingId, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }
}
