// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.recording;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The recordings of online meetings as Graph serves them: the meetings module's view of where the SFU's
 * recorder keeps them (porta-server adapts porta-media's {@code RecordingStore}). Only completed recordings
 * are listed.
 */
public interface MeetingRecordings {

    /** A completed recording: its id, when it started and ended, its content's size and type. */
    record Recording(String id, Instant createdDateTime, Instant endDateTime, long contentBytes, String contentType) { }

    /** A recording's content, opened for reading. */
    record Content(InputStream stream, long bytes, String contentType) { }

    /** The meeting's completed recordings, oldest first. */
    List<Recording> list(String meetingId);

    /** One completed recording of the meeting. */
    Optional<Recording> find(String meetingId, String recordingId);

    /** Opens the content of one completed recording of the meeting. */
    Optional<Content> open(String meetingId, String recordingId);
}
