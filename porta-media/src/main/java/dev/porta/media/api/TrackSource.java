// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** What a track carries; subscribers see it as the msid track id ({@code microphone}, {@code camera}, {@code screen}). */
public enum TrackSource {
    MICROPHONE, CAMERA, SCREEN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
