// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.rtcp.RtcpWriter;
import dev.porta.media.rtcp.TccRecorder;
import dev.porta.media.rtp.RtpPacket;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The receiving half of a synthetic participant: per incoming SSRC it keeps RFC 3550 statistics, reads
 * the publisher's send-time tag to measure one-way delay, and answers as a browser does: receiver
 * reports (fraction lost, jitter) once a second, NACKs for skipped video packets, and transport-wide
 * congestion control feedback every 100 ms when the server's offer negotiated it. That feedback is
 * what Porta's bandwidth estimate, and so its choice of simulcast layers, listens to: without it the
 * estimate stays at {@code media.start-bitrate}. Runs entirely on the subscribe connection's reader
 * thread.
 */
final class Subscriber implements PeerConnection.Receiver {
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long TCC_FEEDBACK_INTERVAL_NANOS = 100_000_000L;
    private final Totals totals;
    private final long ownSsrc = 0x4C4F4144L; // "LOAD"
    private final Map<Long, ReceivedStream> streams = new HashMap<>();
    private final RtpPacket packet = new RtpPacket();
    private final byte[] rtcp = new byte[1200];
    private final TccRecorder tcc = new TccRecorder();
    /** Room for the largest feedback TccRecorder writes (500 packets) plus the SRTCP trailer. */
    private final byte[] tccFeedback = new byte[1500];
    private volatile int tccExtension = -1;
    private long lastTccFeedbackNanos;
    private volatile Set<Integer> audioPayloadTypes = Set.of(Sdp.OPUS_PT);
    private volatile Set<Integer> videoPayloadTypes = Set.of(Sdp.VP8_PT);
    private volatile PeerConnection pc;
    private volatile long firstMediaNanos = -1;
    private long lastReportNanos;

    Subscriber(Totals totals) {
        this.totals = totals;
    }

    void attach(PeerConnection pc) {
        this.pc = pc;
    }

    /** Payload types to measure; anything else (RTX, padding) is counted as a retransmission only. */
    void payloadTypes(Set<Integer> audio, Set<Integer> video) {
        this.audioPayloadTypes = Set.copyOf(audio);
        this.videoPayloadTypes = Set.copyOf(video);
    }

    /** The transport-wide-cc header extension id the latest offer negotiated; -1 for none. */
    void transportCcExtension(int id) {
        this.tccExtension = id;
    }

    long firstMediaNanos() {
        return firstMediaNanos;
    }

    @Override
    public void rtp(byte[] b, int len, long arrivalNanos) {
        if (!packet.wrap(b, 0, len)) {
            return;
        }
        recordTransportSequence(arrivalNanos);
        int pt = packet.payloadType();
        boolean audio = audioPayloadTypes.contains(pt);
        if (!audio && !videoPayloadTypes.contains(pt)) {
            totals.retransmissions.increment();
            return;
        }
        ReceivedStream s = streams.computeIfAbsent(packet.ssrc(), k -> new ReceivedStream(k, audio, totals));
        int seq = packet.sequenceNumber();
        int skipped = s.onPacket(seq, packet.timestamp(), arrivalNanos);
        if (skipped < 0) {
            totals.retransmissions.increment();
            return;
        }
        if (firstMediaNanos < 0) {
            firstMediaNanos = arrivalNanos;
        }
        totals.packets.increment();
        totals.bytes.add(len);
        if (skipped > 0 && !audio) {
            nack(s.ssrc, seq, skipped);
        }
        long sent = Publisher.sendNanos(b, packet.payloadOffset() + packet.payloadLength());
        if (sent > 0) {
            totals.delay.record((arrivalNanos - sent) / 1000);
        }
        if (arrivalNanos - lastReportNanos > REPORT_INTERVAL_NANOS) {
            lastReportNanos = arrivalNanos;
            report();
        }
    }

    /** Every packet counts for congestion control, retransmissions included, as in a browser. */
    private void recordTransportSequence(long arrivalNanos) {
        int ext = tccExtension;
        if (ext < 0) {
            return;
        }
        int seq = packet.transportSequence(ext);
        if (seq >= 0) {
            tcc.record(seq, arrivalNanos / 1000);
        }
        PeerConnection p = pc;
        if (p == null || arrivalNanos - lastTccFeedbackNanos < TCC_FEEDBACK_INTERVAL_NANOS) {
            return;
        }
        lastTccFeedbackNanos = arrivalNanos;
        int n;
        while ((n = tcc.write(tccFeedback, 0, ownSsrc, packet.ssrc())) > 0) {
            try {
                p.sendRtcp(tccFeedback, n);
            } catch (IOException e) {
                return; // closing
            }
        }
    }

    /** Asks for the video packets just skipped (at most 16 of them), as a browser's NACK generator does. */
    private void nack(long mediaSsrc, int seq, int skipped) {
        PeerConnection p = pc;
        if (p == null || skipped > 100) {
            return; // a jump that large is a stream restart, not loss worth repairing
        }
        int n = Math.min(16, skipped);
        int[] missing = new int[n];
        for (int i = 0; i < n; i++) {
            missing[i] = (seq - skipped + i) & 0xFFFF;
        }
        int len = RtcpWriter.nack(rtcp, 0, ownSsrc, mediaSsrc, missing, n);
        try {
            p.sendRtcp(rtcp, len);
            totals.nacksSent.increment();
        } catch (IOException e) {
            // closing
        }
    }

    private void report() {
        PeerConnection p = pc;
        if (p == null) {
            return;
        }
        int n = 0;
        for (ReceivedStream s : streams.values()) {
            if (n + 32 > rtcp.length - 32) {
                break; // one compound per second is enough; the rest report next time
            }
            n += RtcpWriter.rr(rtcp, n, ownSsrc, s.ssrc, s.fractionLostSinceLastReport(), (int) s.cumulativeLost(),
                    s.extendedHighestSeq(), s.jitterUnits(), 0, 0);
        }
        if (n > 0) {
            try {
                p.sendRtcp(rtcp, n);
            } catch (IOException e) {
                // closing
            }
        }
    }

    @Override
    public void rtcp(byte[] b, int len) {
        // sender reports and feedback from the server are not measured
    }

    /** Average interarrival jitter over this subscriber's streams of one kind, in ms; NaN if none. */
    double[] jitterSums(boolean audio) {
        double sum = 0;
        int count = 0;
        for (ReceivedStream s : streams.values()) {
            if (s.audio == audio) {
                sum += s.jitterMillis();
                count++;
            }
        }
        return new double[] {sum, count};
    }
}
