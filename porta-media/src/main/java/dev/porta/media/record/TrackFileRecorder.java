// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import dev.porta.media.api.RecordedPacket;
import dev.porta.media.api.Recorder;
import dev.porta.media.api.TrackSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Recorder} that writes each track as it came, without re-encoding (Opus into Ogg, VP8 into IVF),
 * into the recording's directory, and on {@link #finish} composes one MP4 with {@link FfmpegComposer}.
 * Runs on the SFU's recorder thread. Any failure (disk, ffmpeg) stops this recording only: it is kept as
 * failed in the store and reported through {@link Events#failed}, never thrown into the SFU.
 */
public final class TrackFileRecorder implements Recorder {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrackFileRecorder.class);
    /** Tracks one recording keeps at most; packets of further tracks are dropped (and counted). */
    static final int MAX_TRACKS = 64;
    public static final String CONTENT_TYPE = "video/mp4";

    /** What becomes of the recording. Called on the recorder's thread. */
    public interface Events {
        void completed(RecordingStore.StoredRecording recording);

        void failed(RecordingId id, String reason);
    }

    private final RecordingStore store;
    private final RecordingId id;
    private final FfmpegComposer composer;
    private final Clock clock;
    private final Events events;
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private Path dir;
    private String failure;
    private long firstMillis = -1;
    private long untracked;

    public TrackFileRecorder(RecordingStore store, RecordingId id, FfmpegComposer composer, Clock clock, Events events) {
        this.store = store;
        this.id = id;
        this.composer = composer;
        this.clock = clock;
        this.events = events;
        try {
            this.dir = store.begin(id, clock.instant());
        } catch (IOException e) {
            fail("the recording's directory could not be created: " + e.getMessage(), e);
        }
    }

    public RecordingId id() {
        return id;
    }

    @Override
    public void packet(RecordedPacket p) {
        if (failure != null) {
            return;
        }
        try {
            if (firstMillis < 0) {
                firstMillis = p.receivedMillis();
            }
            String key = p.participant().value() + "/" + p.source() + "/" + p.ssrc();
            Track t = tracks.get(key);
            if (t == null) {
                if (tracks.size() >= MAX_TRACKS || !(p.codec().equals("opus") || p.codec().equals("vp8"))) {
                    untracked++;
                    return;
                }
                t = new Track(dir, tracks.size(), p, Duration.ofMillis(p.receivedMillis() - firstMillis));
                tracks.put(key, t);
            }
            t.add(p);
        } catch (IOException e) {
            fail("a track could not be written: " + e.getMessage(), e);
        }
    }

    @Override
    public void finish() {
        if (untracked > 0) {
            LOG.warn("recording {}: {} packets of tracks it cannot take were left out (only Opus and VP8, {} tracks at most)",
                    id.value(), untracked, MAX_TRACKS);
        }
        List<FfmpegComposer.Input> inputs = new ArrayList<>();
        for (Track t : tracks.values()) {
            try {
                if (t.close()) {
                    inputs.add(new FfmpegComposer.Input(t.file, t.video, t.offset));
                }
            } catch (IOException e) {
                fail("a track could not be written: " + e.getMessage(), e);
            }
        }
        if (failure != null) {
            markFailed();
            return;
        }
        if (inputs.isEmpty()) {
            failure = "nothing was recorded (no one's media was allowed into the recording, or no one sent any)";
            markFailed();
            return;
        }
        Path out = dir.resolve("recording.mp4");
        try {
            composer.compose(inputs, out);
            store.completed(id, clock.instant(), out, CONTENT_TYPE);
            events.completed(store.find(id).orElseThrow());
        } catch (IOException | RuntimeException e) {
            fail("composing failed: " + e.getMessage(), e);
            markFailed();
        }
    }

    /** Packets of tracks not recorded (too many tracks, or a codec the writers do not take). */
    public long untracked() {
        return untracked;
    }

    private void fail(String reason, Exception e) {
        if (failure == null) {
            failure = reason;
            LOG.warn("recording {} of meeting {} failed: {}", id.value(), id.meetingId(), reason, e);
        }
        for (Track t : tracks.values()) {
            t.abandon();
        }
    }

    private void markFailed() {
        try {
            if (dir != null) {
                store.failed(id, clock.instant(), failure);
            }
        } catch (IOException e) {
            LOG.warn("recording {}: its failure could not be stored", id.value(), e);
        }
        events.failed(id, failure);
    }

    /** One track's file and writer. */
    private static final class Track {
        final Path file;
        final boolean video;
        final Duration offset;
        private OggOpusWriter ogg;
        private IvfWriter ivf;
        private Vp8Depacketizer vp8;
        private boolean closed;

        Track(Path dir, int index, RecordedPacket first, Duration offset) throws IOException {
            this.video = first.source() != TrackSource.MICROPHONE;
            this.offset = offset;
            if (first.codec().equals("opus")) {
                file = dir.resolve("track-" + index + ".ogg");
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE));
                ogg = new OggOpusWriter(out, index + 1, 2);
            } else {
                file = dir.resolve("track-" + index + ".ivf");
                ivf = new IvfWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                vp8 = new Vp8Depacketizer();
            }
        }

        void add(RecordedPacket p) throws IOException {
            if (closed) {
                return;
            }
            if (ogg != null) {
                ogg.packet(p.payload(), p.rtpTimestamp());
            } else {
                Vp8Depacketizer.Frame f = vp8.packet(p.payload(), p.sequence(), p.rtpTimestamp(), p.marker());
                if (f != null) {
                    ivf.frame(f.data(), f.rtpTimestamp());
                }
            }
        }

        /** Closes the file; true when it holds media worth composing. */
        boolean close() throws IOException {
            if (closed) {
                return false;
            }
            closed = true;
            if (ogg != null) {
                ogg.close();
                return ogg.packets() > 0;
            }
            ivf.close();
            return ivf.frames() > 0;
        }

        void abandon() {
            try {
                close();
            } catch (IOException ignored) {
                // already failing: the recording is marked failed
            }
        }
    }
}
