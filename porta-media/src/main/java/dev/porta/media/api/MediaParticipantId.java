// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** A participant as the media plane knows it; also the msid stream id its tracks carry to subscribers. */
public record MediaParticipantId(String value) {
    public MediaParticipantId {
        if (value == null || !value.matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw new IllegalArgumentException("media participant id must be 1-128 URL-safe characters");
        }
    }
}
