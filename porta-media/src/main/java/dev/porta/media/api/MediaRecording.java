// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** A room being recorded ({@link MediaHost#startRecording}). Thread-safe. */
public interface MediaRecording {

    /** Stops handing packets over; the recorder's {@link Recorder#finish} follows on its own thread. */
    void stop();

    /** Packets handed to the recorder. */
    long packets();

    /** Packets dropped because the recorder's queue was full. */
    long dropped();
}
