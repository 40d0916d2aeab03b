// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.media.record.RecordingId;
import dev.porta.media.record.RecordingStore;
import dev.porta.meetings.recording.MeetingRecordings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/** The meetings module's {@link MeetingRecordings} over porta-media's {@link RecordingStore}: completed recordings only. */
final class StoredRecordings implements MeetingRecordings {
    private final RecordingStore store;

    StoredRecordings(RecordingStore store) {
        this.store = store;
    }

    @Override
    public List<Recording> list(String meetingId) {
        try {
            return store.list(meetingId).stream().filter(r -> r.state() == RecordingStore.State.COMPLETED)
                    .map(StoredRecordings::recording).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Recording> find(String meetingId, String recordingId) {
        return id(meetingId, recordingId).flatMap(id -> {
            try {
                return store.find(id).filter(r -> r.state() == RecordingStore.State.COMPLETED).map(StoredRecordings::recording);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Optional<Content> open(String meetingId, String recordingId) {
        return id(meetingId, recordingId).flatMap(id -> {
            try {
                Optional<RecordingStore.StoredRecording> r = store.find(id);
                Optional<java.nio.file.Path> file = store.content(id);
                if (r.isEmpty() || file.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new Content(Files.newInputStream(file.get()), Files.size(file.get()), r.get().contentType()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The id, or empty when the path's recording id is not one Porta makes (never reaches the file system). */
    private static Optional<RecordingId> id(String meetingId, String recordingId) {
        try {
            return Optional.of(new RecordingId(meetingId, recordingId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Recording recording(RecordingStore.StoredRecording r) {
        return new Recording(r.id().value(), r.startedAt(), r.endedAt(), r.contentBytes(), r.contentType());
    }
}
