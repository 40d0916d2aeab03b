// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where recordings live: each has a working directory for its track files while it runs, then one
 * composed file. {@link FileRecordingStore} keeps them under the data directory; another store (object
 * storage) can come later behind this interface, copying the composed file out in {@link #completed}.
 */
public interface RecordingStore {

    /** A recording as listed: its state and, once composed, its file's size. */
    record StoredRecording(RecordingId id, Instant startedAt, Instant endedAt, State state, long contentBytes,
                           String contentType) { }

    enum State { RECORDING, COMPLETED, FAILED }

    /** Creates a recording and answers its private working directory (track files, the composer's log). */
    Path begin(RecordingId id, Instant startedAt) throws IOException;

    /** The recording ended with {@code composed} (a file in its working directory) as its content. */
    void completed(RecordingId id, Instant endedAt, Path composed, String contentType) throws IOException;

    /** The recording ended without content; {@code reason} says why (for the organizer and the log). */
    void failed(RecordingId id, Instant endedAt, String reason) throws IOException;

    /** The meeting's recordings, oldest first. */
    List<StoredRecording> list(String meetingId) throws IOException;

    Optional<StoredRecording> find(RecordingId id) throws IOException;

    /** The composed file of a completed recording. */
    Optional<Path> content(RecordingId id) throws IOException;

    /** Deletes a recording and its files; false when there was none. */
    boolean delete(RecordingId id) throws IOException;

    /** Deletes every recording that ended before {@code cutoff}; answers how many. */
    int deleteEndedBefore(Instant cutoff) throws IOException;
}
