// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import dev.porta.common.PrivateFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Recordings under {@code <data>/recordings/<meeting>/<recording>/}: the meeting's directory is named by
 * its id in Base64url (ids may hold any character), each recording's by its own id; a
 * {@code recording.properties} file holds its state, the track files and the composed file sit beside
 * it. Directories are private to Porta's user (0700, files 0600 through {@link PrivateFiles}).
 */
public final class FileRecordingStore implements RecordingStore {
    private static final String META = "recording.properties";
    private final Path root;

    public FileRecordingStore(Path dataDirectory) {
        this.root = dataDirectory.resolve("recordings");
    }

    @Override
    public Path begin(RecordingId id, Instant startedAt) throws IOException {
        Path dir = dir(id);
        PrivateFiles.directory(root);
        PrivateFiles.directory(dir.getParent());
        PrivateFiles.directory(dir);
        Properties p = new Properties();
        p.setProperty("meetingId", id.meetingId());
        p.setProperty("startedAt", startedAt.toString());
        p.setProperty("state", State.RECORDING.name());
        write(dir, p);
        return dir;
    }

    @Override
    public void completed(RecordingId id, Instant endedAt, Path composed, String contentType) throws IOException {
        Path dir = dir(id);
        if (!composed.toAbsolutePath().normalize().getParent().equals(dir.toAbsolutePath().normalize())) {
            throw new IOException("the composed file must be in the recording's directory");
        }
        Properties p = read(dir);
        p.setProperty("state", State.COMPLETED.name());
        p.setProperty("endedAt", endedAt.toString());
        p.setProperty("content", composed.getFileName().toString());
        p.setProperty("contentType", contentType);
        write(dir, p);
    }

    @Override
    public void failed(RecordingId id, Instant endedAt, String reason) throws IOException {
        Path dir = dir(id);
        Properties p = read(dir);
        p.setProperty("state", State.FAILED.name());
        p.setProperty("endedAt", endedAt.toString());
        p.setProperty("reason", reason.length() > 500 ? reason.substring(0, 500) : reason);
        write(dir, p);
    }

    @Override
    public List<StoredRecording> list(String meetingId) throws IOException {
        Path meeting = root.resolve(encode(meetingId));
        if (!Files.isDirectory(meeting)) {
            return List.of();
        }
        List<StoredRecording> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(meeting)) {
            for (Path d : dirs.toList()) {
                if (Files.isRegularFile(d.resolve(META))) {
                    out.add(stored(new RecordingId(meetingId, d.getFileName().toString()), d, read(d)));
                }
            }
        }
        out.sort(Comparator.comparing(StoredRecording::startedAt));
        return out;
    }

    @Override
    public Optional<StoredRecording> find(RecordingId id) throws IOException {
        Path dir = dir(id);
        return Files.isRegularFile(dir.resolve(META)) ? Optional.of(stored(id, dir, read(dir))) : Optional.empty();
    }

    @Override
    public Optional<Path> content(RecordingId id) throws IOException {
        Path dir = dir(id);
        if (!Files.isRegularFile(dir.resolve(META))) {
            return Optional.empty();
        }
        Properties p = read(dir);
        String name = p.getProperty("content");
        if (!State.COMPLETED.name().equals(p.getProperty("state")) || name == null || name.contains("/")) {
            return Optional.empty();
        }
        Path f = dir.resolve(name);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    @Override
    public boolean delete(RecordingId id) throws IOException {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        return true;
    }

    @Override
    public int deleteEndedBefore(Instant cutoff) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int deleted = 0;
        try (Stream<Path> meetings = Files.list(root)) {
            for (Path m : meetings.toList()) {
                String meetingId = decode(m.getFileName().toString());
                if (meetingId == null) {
                    continue;
                }
                for (StoredRecording r : list(meetingId)) {
                    if (r.endedAt() != null && r.endedAt().isBefore(cutoff) && delete(r.id())) {
                        deleted++;
                    }
                }
            }
        }
        return deleted;
    }

    private Path dir(RecordingId id) {
        return root.resolve(encode(id.meetingId())).resolve(id.value());
    }

    private static String encode(String meetingId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(meetingId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String name) {
        try {
            return new String(Base64.getUrlDecoder().decode(name), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static StoredRecording stored(RecordingId id, Path dir, Properties p) throws IOException {
        String ended = p.getProperty("endedAt");
        String content = p.getProperty("content");
        long bytes = content != null && Files.isRegularFile(dir.resolve(content)) ? Files.size(dir.resolve(content)) : 0;
        return new StoredRecording(id, Instant.parse(p.getProperty("startedAt")), ended == null ? null : Instant.parse(ended),
                State.valueOf(p.getProperty("state")), bytes, p.getProperty("contentType"));
    }

    private static Properties read(Path dir) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve(META))));
        return p;
    }

    private static void write(Path dir, Properties p) throws IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, null);
        Path tmp = dir.resolve(META + ".tmp");
        PrivateFiles.writeString(tmp, w.toString());
        Files.move(tmp, dir.resolve(META), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
