// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import static dev.porta.media.loopback.SfuLoopbackTest.ROOM;
import static dev.porta.media.loopback.SfuLoopbackTest.connect;
import static dev.porta.media.loopback.SfuLoopbackTest.publishOffer;
import static dev.porta.media.loopback.SfuLoopbackTest.sendRtp;
import static dev.porta.media.loopback.SfuLoopbackTest.vp8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRecording;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.RecordedPacket;
import dev.porta.media.api.Recorder;
import dev.porta.media.api.TrackSource;
import dev.porta.media.forward.RecordingTap;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The SFU hands a recorded room's decrypted RTP to its recorder, only for participants let into the recording. */
class SfuRecordingLoopbackTest {

    /** Keeps what it is given. */
    static final class Collecting implements Recorder {
        final List<RecordedPacket> packets = new CopyOnWriteArrayList<>();
        volatile boolean finished;

        @Override public void packet(RecordedPacket p) { packets.add(p); }
        @Override public void finish() { finished = true; }
    }

    @Test
    void onlyMediaSentAfterTheParticipantIsLetIntoTheRecordingReachesTheRecorderDecrypted() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC()); FakePeer alicePub = new FakePeer()) {
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            connect(alicePub, answer, "pubU");
            Collecting recorder = new Collecting();
            MediaRecording recording = sfu.startRecording(ROOM, recorder);
            Collecting refused = new Collecting();
            assertThatThrownBy(() -> sfu.startRecording(ROOM, refused)).isInstanceOf(IllegalStateException.class);

            for (int i = 0; i < 3; i++) { // not consented yet: left out
                sendRtp(alicePub, 96, 100 + i, 3000L * i, 2222, 4, "1", vp8(i == 0));
            }
            awaitPacketsIn(sfu, 3);
            alice.setRecorded(true);
            sfu.stats(); // a call on the media thread: the switch above has been applied before the next packets
            for (int i = 3; i < 6; i++) {
                sendRtp(alicePub, 96, 100 + i, 3000L * i, 2222, 4, "1", vp8(false));
            }
            awaitPacketsIn(sfu, 6);
            recording.stop();
            assertThat(((RecordingTap) recording).awaitFinished(5000)).isTrue();

            assertThat(recorder.finished).isTrue();
            assertThat(refused.finished).as("a refused recorder is never called").isFalse();
            assertThat(refused.packets).isEmpty();
            assertThat(recorder.packets).extracting(RecordedPacket::sequence).containsExactly(103, 104, 105);
            RecordedPacket first = recorder.packets.getFirst();
            assertThat(first.participant().value()).isEqualTo("alice");
            assertThat(first.source()).isEqualTo(TrackSource.CAMERA);
            assertThat(first.codec()).isEqualTo("vp8");
            assertThat(first.payload()).as("the payload as the publisher sent it, decrypted").isEqualTo(vp8(false));
            assertThat(recording.dropped()).isZero();
            assertThat(recording.packets()).isEqualTo(3);
        }
    }

    @Test
    void aRecorderThatThrowsNeitherStopsForwardingNorTheRecording() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC()); FakePeer alicePub = new FakePeer()) {
            MediaSession alice = sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            String answer = alice.answerPublishOffer(publishOffer(alicePub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            connect(alicePub, answer, "pubU");
            alice.setRecorded(true);
            List<Integer> seen = new CopyOnWriteArrayList<>();
            MediaRecording recording = sfu.startRecording(ROOM, new Recorder() {
                @Override public void packet(RecordedPacket p) {
                    seen.add(p.sequence());
                    throw new IllegalStateException("disk full");
                }

                @Override public void finish() { }
            });
            for (int i = 0; i < 4; i++) {
                sendRtp(alicePub, 96, 200 + i, 3000L * i, 2222, 4, "1", vp8(i == 0));
            }
            awaitPacketsIn(sfu, 4);
            recording.stop();
            assertThat(((RecordingTap) recording).awaitFinished(5000)).isTrue();
            assertThat(seen).containsExactly(200, 201, 202, 203);
            assertThat(((RecordingTap) recording).failures()).isEqualTo(4);
        }
    }

    @Test
    void closingTheSfuFinishesARecordingStillRunning() throws Exception {
        Collecting recorder = new Collecting();
        MediaRecording recording;
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC())) {
            sfu.open(ROOM, new MediaParticipantId("alice"), new SfuLoopbackTest.Recorder());
            recording = sfu.startRecording(ROOM, recorder);
        }
        assertThat(((RecordingTap) recording).awaitFinished(5000)).isTrue();
        assertThat(recorder.finished).isTrue();
    }

    /** Waits (up to 5 s) until the SFU has taken in {@code n} packets on its media thread. */
    private static void awaitPacketsIn(Sfu sfu, int n) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (sfu.stats().participants().getFirst().packetsIn() < n && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(sfu.stats().participants().getFirst().packetsIn()).isGreaterThanOrEqualTo(n);
    }
}
