// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.RecordedPacket;
import java.io.BufferedOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-track writers, fed the RTP a browser would send, produce files ffprobe reads (real ffprobe). */
class TrackWritersTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsFfmpeg() {
        assumeThat(RecordedSamples.ffmpegInstalled()).as("ffmpeg/ffprobe are not installed (apt-get install ffmpeg): "
                + "SKIPPING the recording writer tests").isTrue();
    }

    @Test
    void anOpusPacketTooLargeForOneOggPageIsLeftOutInsteadOfCorruptingThePage() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OggOpusWriter ogg = new OggOpusWriter(out, 1, 2)) {
            ogg.packet(new byte[65_025], 0); // 256 lacing values: one more than a page's count byte holds
            assertThat(ogg.packets()).isZero();
            ogg.packet(new byte[65_024], 960); // 255 lacing values: the largest that fits
            assertThat(ogg.packets()).isEqualTo(1);
        }
    }

    @Test
    void vp8RtpBecomesAnIvfFileWithTheSourcesSizeFramesAndDuration() throws Exception {
        Path file = dir.resolve("camera.ivf");
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        List<RecordedPacket> rtp = RecordedSamples.videoRtp(new MediaParticipantId("p-ada"), 0);
        try (IvfWriter ivf = new IvfWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (RecordedPacket p : rtp) {
                Vp8Depacketizer.Frame f = depacketizer.packet(p.payload(), p.sequence(), p.rtpTimestamp(), p.marker());
                if (f != null) {
                    ivf.frame(f.data(), f.rtpTimestamp());
                }
            }
            assertThat(ivf.frames()).isEqualTo(RecordedSamples.videoFrames().size());
        }
        List<String> probe = RecordedSamples.probe(file);
        assertThat(probe).contains("codec_name=vp8", "codec_type=video", "width=320", "height=180");
        assertThat(RecordedSamples.duration(probe)).isBetween(5.8, 6.1);
        assertThat(RecordedSamples.meanColour(file, 2.0, null))
                .containsExactly(RecordedSamples.meanColour(RecordedSamples.VIDEO, 2.0, null), org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void aFrameWithALostPacketIsLeftOutWholeAndTheRestStillPlays() throws Exception {
        Path file = dir.resolve("lossy.ivf");
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        List<RecordedPacket> rtp = new ArrayList<>(RecordedSamples.videoRtp(new MediaParticipantId("p-ada"), 0));
        // lose the second packet of the first multi-packet frame after the start
        int lost = -1;
        for (int i = 10; i < rtp.size() - 1; i++) {
            if (!rtp.get(i).marker() && (rtp.get(i).payload()[0] & 0x10) != 0) {
                lost = i + 1;
                break;
            }
        }
        assertThat(lost).as("the sample has a frame of several packets").isPositive();
        rtp.remove(lost);
        try (IvfWriter ivf = new IvfWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (RecordedPacket p : rtp) {
                Vp8Depacketizer.Frame f = depacketizer.packet(p.payload(), p.sequence(), p.rtpTimestamp(), p.marker());
                if (f != null) {
                    ivf.frame(f.data(), f.rtpTimestamp());
                }
            }
            assertThat(ivf.frames()).isEqualTo(RecordedSamples.videoFrames().size() - 1);
        }
        assertThat(depacketizer.dropped()).isEqualTo(1);
        assertThat(RecordedSamples.probe(file)).contains("codec_name=vp8", "width=320");
    }

    @Test
    void opusRtpBecomesAnOggOpusFileOfTheSourcesDuration() throws Exception {
        Path file = dir.resolve("microphone.ogg");
        List<RecordedPacket> rtp = RecordedSamples.audioRtp(new MediaParticipantId("p-ada"), 0);
        try (OggOpusWriter ogg = new OggOpusWriter(new BufferedOutputStream(Files.newOutputStream(file)), 7, 2)) {
            for (RecordedPacket p : rtp) {
                ogg.packet(p.payload(), p.rtpTimestamp());
            }
            assertThat(ogg.packets()).isEqualTo(rtp.size());
        }
        List<String> probe = RecordedSamples.probe(file);
        assertThat(probe).contains("codec_name=opus", "codec_type=audio");
        assertThat(RecordedSamples.duration(probe)).isBetween(5.9, 6.1);
    }

    @Test
    void aGapInTheAudioKeepsItsPlaceInTime() throws Exception {
        Path file = dir.resolve("gap.ogg");
        List<RecordedPacket> rtp = RecordedSamples.audioRtp(new MediaParticipantId("p-ada"), 0);
        try (OggOpusWriter ogg = new OggOpusWriter(new BufferedOutputStream(Files.newOutputStream(file)), 7, 2)) {
            for (int i = 0; i < rtp.size(); i++) {
                if (i < 100 || i >= 150) { // one second not sent (muted, DTX)
                    ogg.packet(rtp.get(i).payload(), rtp.get(i).rtpTimestamp());
                }
            }
            assertThat(ogg.endSample()).isEqualTo(960L * rtp.size());
        }
        assertThat(RecordedSamples.duration(RecordedSamples.probe(file))).isBetween(5.9, 6.1);
    }

    @Test
    void oggPagesCarryTheChecksumOggDefines() {
        // "OggS" page CRC of a known page: the CRC of the bytes "123456789" under Ogg's CRC-32 (non-reflected, init 0)
        assertThat(OggOpusWriter.OggCrc.of("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isEqualTo(0x89A1897FL);
    }
}
