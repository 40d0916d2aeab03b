// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** What became of a recording started with {@link MediaHost#record}; called on the recorder's thread, never blocking. */
public interface RecordingListener {

    /** The recording was stored under {@code recordingId}. */
    void completed(String recordingId);

    /** The recording failed (disk, composer, nothing recorded); {@code reason} is a sentence for the organizer. */
    void failed(String reason);
}
