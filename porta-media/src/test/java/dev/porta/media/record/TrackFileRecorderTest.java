// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.RecordedPacket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording from RTP to one composed file, with the real ffmpeg. */
class TrackFileRecorderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-15T09:00:00Z"), ZoneOffset.UTC);
    @TempDir
    Path data;
    private final List<String> outcomes = new ArrayList<>();

    @BeforeEach
    void needsFfmpeg() {
        assumeThat(RecordedSamples.ffmpegInstalled()).as("ffmpeg/ffprobe are not installed (apt-get install ffmpeg): "
                + "SKIPPING the recording composer tests").isTrue();
    }

    private TrackFileRecorder.Events events() {
        return new TrackFileRecorder.Events() {
            @Override
            public void completed(RecordingStore.StoredRecording r) {
                outcomes.add("completed " + r.contentBytes());
            }

            @Override
            public void failed(RecordingId id, String reason) {
                outcomes.add("failed: " + reason);
            }
        };
    }

    @Test
    void twoParticipantsTracksBecomeOneFileWithVideoOfBothAndAudibleAudio() throws Exception {
        FileRecordingStore store = new FileRecordingStore(data);
        RecordingId id = RecordingId.random("meeting-1");
        var recorder = new TrackFileRecorder(store, id, new FfmpegComposer("ffmpeg", Duration.ofMinutes(2)), CLOCK, events());
        List<RecordedPacket> all = new ArrayList<>();
        all.addAll(RecordedSamples.audioRtp(new MediaParticipantId("p-ada"), 1_000));
        all.addAll(RecordedSamples.videoRtp(new MediaParticipantId("p-ada"), 1_000));
        all.addAll(RecordedSamples.videoRtp(new MediaParticipantId("p-bob"), 1_000));
        all.sort(Comparator.comparingLong(RecordedPacket::receivedMillis));
        all.forEach(recorder::packet);
        recorder.finish();

        assertThat(outcomes).singleElement().asString().startsWith("completed");
        Path file = store.content(id).orElseThrow();
        List<String> probe = RecordedSamples.probe(file);
        assertThat(probe).contains("codec_name=h264", "codec_type=video", "codec_name=aac", "codec_type=audio",
                "width=1280", "height=360");
        assertThat(RecordedSamples.duration(probe)).isBetween(5.5, 6.6);
        double[] source = RecordedSamples.meanColour(RecordedSamples.VIDEO, 2.0, null);
        assertThat(RecordedSamples.meanColour(file, 2.0, "crop=640:360:0:0")).containsExactly(source, Offset.offset(12.0));
        assertThat(RecordedSamples.meanColour(file, 2.0, "crop=640:360:640:0")).containsExactly(source, Offset.offset(12.0));
        assertThat(meanVolumeDb(file)).as("mean volume (dB) of the mixed audio").isGreaterThan(-40);
        assertThat(store.list("meeting-1")).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RecordingStore.State.COMPLETED);
            assertThat(r.contentBytes()).isEqualTo(Files.size(file));
        });
    }

    @Test
    void aComposerThatFailsIsReportedAndTheRecordingKeptAsFailed() throws Exception {
        FileRecordingStore store = new FileRecordingStore(data);
        RecordingId id = RecordingId.random("meeting-1");
        var recorder = new TrackFileRecorder(store, id, new FfmpegComposer("/nonexistent/ffmpeg", Duration.ofSeconds(10)),
                CLOCK, events());
        RecordedSamples.audioRtp(new MediaParticipantId("p-ada"), 0).forEach(recorder::packet);
        recorder.finish();
        assertThat(outcomes).singleElement().asString().startsWith("failed: composing failed");
        assertThat(store.find(id).orElseThrow().state()).isEqualTo(RecordingStore.State.FAILED);
        assertThat(store.content(id)).isEmpty();
    }

    @Test
    void aRecordingWithNoOnesMediaFailsWithAReasonInsteadOfAnEmptyFile() throws Exception {
        FileRecordingStore store = new FileRecordingStore(data);
        RecordingId id = RecordingId.random("meeting-1");
        new TrackFileRecorder(store, id, new FfmpegComposer("ffmpeg", Duration.ofSeconds(10)), CLOCK, events()).finish();
        assertThat(outcomes).singleElement().asString().contains("nothing was recorded");
    }

    @Test
    void retentionDeletesRecordingsThatEndedBeforeTheCutoffAndKeepsTheOthers() throws Exception {
        FileRecordingStore store = new FileRecordingStore(data);
        RecordingId old = RecordingId.random("meeting-1");
        RecordingId recent = RecordingId.random("meeting-1");
        store.begin(old, Instant.parse("2030-01-01T09:00:00Z"));
        store.failed(old, Instant.parse("2030-01-01T10:00:00Z"), "test");
        store.begin(recent, Instant.parse("2030-01-14T09:00:00Z"));
        store.failed(recent, Instant.parse("2030-01-14T10:00:00Z"), "test");
        assertThat(store.deleteEndedBefore(Instant.parse("2030-01-10T00:00:00Z"))).isEqualTo(1);
        assertThat(store.list("meeting-1")).extracting(RecordingStore.StoredRecording::id).containsExactly(recent);
    }

    private static double meanVolumeDb(Path file) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-i", file.toString(), "-af", "volumedetect",
                "-vn", "-f", "null", "-").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        var m = java.util.regex.Pattern.compile("mean_volume: (-?[0-9.]+) dB").matcher(log);
        assertThat(m.find()).as("volumedetect output: " + log).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
