// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static dev.porta.media.loopback.SfuLoopbackTest.ROOM;
import static dev.porta.media.loopback.SfuLoopbackTest.connect;
import static dev.porta.media.loopback.SfuLoopbackTest.publishOffer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.RecordedPacket;
import dev.porta.media.api.RecordingListener;
import dev.porta.media.api.TrackSource;
import dev.porta.media.record.FfmpegComposer;
import dev.porta.media.record.FileRecordingStore;
import dev.porta.media.record.RecordedSamples;
import dev.porta.media.record.RecordingId;
import dev.porta.media.record.TrackFileRecorder;
import dev.porta.media.util.Bytes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole recording path with real media: the load tester's Opus and VP8 sent as SRTP over loopback UDP,
 * decrypted by the SFU, handed to the file recorder, composed by the real ffmpeg, read by ffprobe.
 */
class SfuRecorderEndToEndTest {
    @TempDir
    Path data;

    @Test
    void aPublishersSrtpBecomesARecordingWithItsAudioAndVideo() throws Exception {
        assumeThat(RecordedSamples.ffmpegInstalled()).as("ffmpeg is not installed: SKIPPING the recorder end-to-end test").isTrue();
        FileRecordingStore store = new FileRecordingStore(data);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC()); FakePeer alicePub = new FakePeer()) {
            sfu.recordWith((room, listener) -> new TrackFileRecorder(store, RecordingId.random(room.value()),
                    new FfmpegComposer("ffmpeg", Duration.ofMinutes(2)), Clock.systemUTC(), new TrackFileRecorder.Events() {
                        @Override
                        public void completed(dev.porta.media.record.RecordingStore.StoredRecording r) {
                            listener.completed(r.id().value());
                        }

                        @Override
                        public void failed(RecordingId id, String reason) {
                            listener.failed(reason);
                        }
                    }));
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            connect(alicePub, answer, "pubU");
            alice.setRecorded(true);
            var recording = sfu.record(ROOM, new RecordingListener() {
                @Override public void completed(String recordingId) { outcome.complete("completed " + recordingId); }
                @Override public void failed(String reason) { outcome.complete("failed: " + reason); }
            });

            List<RecordedPacket> media = new ArrayList<>(RecordedSamples.audioRtp(new MediaParticipantId("alice"), 0));
            media.addAll(RecordedSamples.videoRtp(new MediaParticipantId("alice"), 0));
            media.sort(Comparator.comparingLong(RecordedPacket::receivedMillis));
            int sent = 0;
            for (RecordedPacket p : media) {
                boolean audio = p.source() == TrackSource.MICROPHONE;
                send(alicePub, audio ? 111 : 96, p.sequence(), p.rtpTimestamp(), audio ? 1111 : 2222, audio ? "0" : "1",
                        p.marker(), p.payload());
                if (++sent % 20 == 0) {
                    Thread.sleep(2); // a browser paces its packets; a burst of hundreds would overflow socket buffers
                }
            }
            long end = System.currentTimeMillis() + 5000;
            while (recording.packets() < media.size() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertThat(recording.packets()).as("packets the SFU handed over").isEqualTo(media.size());
            recording.stop();
            assertThat(outcome.get(2, TimeUnit.MINUTES)).startsWith("completed");
            assertThat(recording.dropped()).isZero();
        }
        RecordingId id = new RecordingId(ROOM.value(), outcome.get().substring("completed ".length()));
        Path file = store.content(id).orElseThrow();
        List<String> probe = RecordedSamples.probe(file);
        assertThat(probe).contains("codec_name=h264", "codec_name=aac", "width=640", "height=360");
        assertThat(RecordedSamples.duration(probe)).isBetween(5.5, 6.6);
        assertThat(RecordedSamples.meanColour(file, 2.0, null))
                .containsExactly(RecordedSamples.meanColour(RecordedSamples.VIDEO, 2.0, null), org.assertj.core.data.Offset.offset(12.0));
    }

    /** One SRTP packet with the mid header extension (id 4), as a browser sends it. */
    private static void send(FakePeer peer, int pt, int seq, long ts, long ssrc, String mid, boolean marker, byte[] payload)
            throws Exception {
        byte[] b = new byte[20 + payload.length + 32];
        b[0] = (byte) 0x90;
        b[1] = (byte) ((marker ? 0x80 : 0) | pt);
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 4, ts);
        Bytes.put32(b, 8, ssrc);
        Bytes.put16(b, 12, 0xBEDE);
        Bytes.put16(b, 14, 1);
        b[16] = (byte) ((4 << 4) | (mid.length() - 1));
        b[17] = (byte) mid.charAt(0);
        System.arraycopy(payload, 0, b, 20, payload.length);
        int n = peer.out.protectRtp(b, 0, 20 + payload.length, 20);
        peer.send(b, 0, n);
    }
}
