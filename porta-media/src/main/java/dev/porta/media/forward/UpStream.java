// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.rtcp.RtcpWriter;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.util.Bytes;

/**
 * One RTP stream a publisher sends: the single stream of an audio or plain video track, or one
 * simulcast layer (one rid). Keeps receive statistics, the latest sender report, its measured bitrate
 * and height, and rate-limits keyframe requests toward the publisher.
 */
final class UpStream {
    final UpTrack track;
    final long ssrc;
    final String rid;
    /** The RTX stream repairing this one (RFC 4588), learned from ssrc-group FID or repaired-rid; -1 if none. */
    long rtxSsrc = -1;
    final NackGenerator nacks = new NackGenerator();
    /**
     * The packets received on this stream by original sequence number, shared by every subscriber: a
     * subscriber's NACK maps back through its offset, so memory grows with publishers, not with viewers.
     */
    final RetransmissionCache cache;
    int height;
    long packets;
    long bytes;
    long lastPacketMillis;
    long bitrate;
    private long bytesAtLastRate;
    private long lastRateMillis;
    // loss statistics (RFC 3550 A.3)
    private int baseSeq = -1;
    private int maxSeq;
    private long cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    long lost;
    // last sender report
    long srNtp;
    long srRtp;
    long srArrivalMillis;
    private long lastKeyframeRequestMillis = Long.MIN_VALUE / 2;
    long keyframeRequests;

    UpStream(UpTrack track, long ssrc, String rid) {
        this.track = track;
        this.ssrc = ssrc;
        this.rid = rid;
        this.cache = track.audio ? null : new RetransmissionCache(track.owner.ctx.config.nackCacheSize(), 1300);
    }

    void received(RtpPacket p, long nowMillis) {
        packets++;
        bytes += p.length();
        lastPacketMillis = nowMillis;
        int seq = p.sequenceNumber();
        if (baseSeq < 0) {
            baseSeq = seq;
            maxSeq = seq;
        } else if (Bytes.seqNewer(seq, maxSeq)) {
            if (seq < maxSeq) {
                cycles += 1 << 16;
            }
            maxSeq = seq;
        }
        received++;
        if (cache != null) {
            cache.put(seq, p.buffer(), p.offset(), p.length(), nowMillis);
        }
        if (!track.audio && !nacks.received(seq, nowMillis)) {
            requestKeyframe(nowMillis); // a gap too large to repair by retransmission
        }
        if (!track.audio && !track.media.isH264() && Vp8.isKeyframeStart(p.buffer(), p.payloadOffset(), p.payloadLength())) {
            int h = Vp8.keyframeHeight(p.buffer(), p.payloadOffset(), p.payloadLength());
            if (h > 0) {
                height = h;
            }
        }
    }

    boolean activeAt(long nowMillis) {
        return packets > 0 && nowMillis - lastPacketMillis < 1500;
    }

    void updateRate(long nowMillis) {
        long dt = nowMillis - lastRateMillis;
        if (dt >= 1000) {
            bitrate = (bytes - bytesAtLastRate) * 8000 / dt;
            bytesAtLastRate = bytes;
            lastRateMillis = nowMillis;
        }
    }

    /** Asks the publisher for a keyframe on this stream unless one was asked for very recently. */
    void requestKeyframe(long nowMillis) {
        if (nowMillis - lastKeyframeRequestMillis < track.owner.ctx.config.keyframeInterval().toMillis()) {
            return;
        }
        lastKeyframeRequestMillis = nowMillis;
        keyframeRequests++;
        PeerTransport t = track.owner.publish;
        byte[] b = track.owner.ctx.rtcpScratch;
        int n = RtcpWriter.pli(b, 0, track.owner.ctx.rtcpSsrc, ssrc);
        t.sendRtcp(b, 0, n);
    }

    /** Sends due NACKs for this stream to the publisher. */
    void sendNacks(long nowMillis, int[] scratchSeqs) {
        int n = nacks.due(nowMillis, scratchSeqs);
        if (n == 0) {
            return;
        }
        byte[] b = track.owner.ctx.rtcpScratch;
        int len = RtcpWriter.nack(b, 0, track.owner.ctx.rtcpSsrc, ssrc, scratchSeqs, n);
        track.owner.publish.sendRtcp(b, 0, len);
    }

    /** Writes a receiver report block for this stream (loss since the previous report). */
    int writeReceiverReport(byte[] b, int off, long nowMillis) {
        if (baseSeq < 0) {
            return 0;
        }
        long extMax = cycles + maxSeq;
        long expected = extMax - baseSeq + 1;
        lost = Math.max(0, expected - received);
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lsr = (srNtp >>> 16) & 0xFFFFFFFFL;
        long dlsr = srArrivalMillis == 0 ? 0 : (nowMillis - srArrivalMillis) * 65536 / 1000;
        return RtcpWriter.rr(b, off, track.owner.ctx.rtcpSsrc, ssrc, Math.min(255, fraction), (int) lost, extMax, 0,
                srNtp == 0 ? 0 : lsr, srNtp == 0 ? 0 : dlsr);
    }
}
