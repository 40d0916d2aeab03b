// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.rtcp.RtcpWriter;
import dev.porta.media.rtp.RtpHeaderWriter;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.sdp.DownTrackSpec;
import dev.porta.media.sdp.Extensions;
import dev.porta.media.sdp.SubscribeOfferWriter;
import dev.porta.media.util.Bytes;
import java.security.SecureRandom;

/**
 * One published track as one subscriber receives it. Rewrites SSRC, sequence number and timestamp so
 * that the subscriber sees one continuous stream across simulcast layer switches; switches only on a
 * keyframe of the target layer; keeps the packets it sent for NACK (answered with RTX, RFC 4588).
 */
final class DownTrack {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Participant subscriber;
    final UpTrack up;
    final String mid;
    final long ssrc = RANDOM.nextInt() & 0xFFFFFFFFL;
    final long rtxSsrc = RANDOM.nextInt() & 0xFFFFFFFFL;
    private final RtpPacket cached = new RtpPacket();
    /** First outgoing sequence number of the current layer: NACKs before it cannot be mapped back. */
    private int epochStartSeq;
    /** Still in the subscribe SDP (false once retired: the m-section is then inactive). */
    boolean active = true;
    /** The subscriber answered an offer that contains this track. */
    boolean negotiated;
    /** The allocator wants this track forwarded. */
    boolean forwarding;
    UpStream current;
    UpStream target;
    private boolean started;
    private int seqOffset;
    private long tsOffset;
    private int lastOutSeq = RANDOM.nextInt(0x8000);
    private long lastOutTs = RANDOM.nextInt() & 0x7FFFFFFFL;
    private int rtxSeq = RANDOM.nextInt(0x8000);
    long packets;
    long bytes;
    long nacks;
    long retransmissions;
    long paddingPackets;

    DownTrack(Participant subscriber, UpTrack up, String mid) {
        this.subscriber = subscriber;
        this.up = up;
        this.mid = mid;
        this.forwarding = up.audio;
    }

    DownTrackSpec spec() {
        return new DownTrackSpec(mid, up.audio, ssrc, rtxSsrc, up.owner.id.value(), up.source.wireName(), active,
                up.media.isH264(), up.media.isH264() ? up.media.fmtp() : null);
    }

    /** Sets the layer to converge to (null pauses); asks for a keyframe when a switch is needed. */
    void setTarget(UpStream layer, long nowMillis) {
        target = layer;
        if (layer != null && layer != current) {
            layer.requestKeyframe(nowMillis);
        }
    }

    void forward(UpStream from, RtpPacket p, long nowMillis) {
        if (!active || !negotiated || !forwarding) {
            return;
        }
        PeerTransport t = subscriber.subscribe;
        if (t.out == null) {
            return;
        }
        if (from != current) {
            if (!up.audio) {
                if (from != target) {
                    return;
                }
                if (!up.isKeyframeStart(p.buffer(), p.payloadOffset(), p.payloadLength())) {
                    from.requestKeyframe(nowMillis);
                    return;
                }
            }
            switchTo(from, p);
        }
        int outSeq = (p.sequenceNumber() + seqOffset) & 0xFFFF;
        if (Bytes.seqNewer(epochStartSeq, outSeq)) {
            // A late packet from before this layer's first one: its number belongs to the layer before.
            subscriber.ctx.drop("late-before-switch");
            return;
        }
        long outTs = (p.timestamp() + tsOffset) & 0xFFFFFFFFL;
        if (Bytes.seqNewer(outSeq, lastOutSeq)) {
            lastOutSeq = outSeq;
            lastOutTs = outTs;
        }
        byte[] b = subscriber.ctx.scratch;
        int tccSeq = t.nextTccSeq;
        t.nextTccSeq = (t.nextTccSeq + 1) & 0xFFFF;
        int pt = up.audio ? SubscribeOfferWriter.OPUS_PT
                : up.media.isH264() ? SubscribeOfferWriter.H264_PT : SubscribeOfferWriter.VP8_PT;
        int h = RtpHeaderWriter.write(b, 0, p.marker(), pt, outSeq, outTs, ssrc, Extensions.SUBSCRIBE_TCC_ID, tccSeq, 0, -1);
        int payload = p.payloadLength();
        if (h + payload + 16 > b.length) {
            subscriber.ctx.drop("too-large");
            return;
        }
        System.arraycopy(p.buffer(), p.payloadOffset(), b, h, payload);
        int len = h + payload;
        t.bwe.sent(tccSeq, len, nowMillis * 1000);
        packets++;
        bytes += len;
        t.sendRtp(b, 0, len, h);
    }

    private void switchTo(UpStream from, RtpPacket p) {
        int nextSeq = (lastOutSeq + 1) & 0xFFFF;
        seqOffset = (nextSeq - p.sequenceNumber()) & 0xFFFF;
        // a small step forward in time so the receiver's jitter buffer sees a plausible next frame
        long step = started ? (up.audio ? 960 : 3000) : 0;
        tsOffset = (lastOutTs + step - p.timestamp()) & 0xFFFFFFFFL;
        current = from;
        started = true;
        epochStartSeq = nextSeq;
    }

    /** Answers a NACK for outgoing {@code seq} with an RTX packet built from the publisher stream's cache. */
    void retransmit(int seq, long nowMillis) {
        nacks++;
        UpStream from = current;
        if (from == null || from.cache == null || up.audio
                || (seq != epochStartSeq && !Bytes.seqNewer(seq, epochStartSeq)) || Bytes.seqNewer(seq, lastOutSeq)) {
            return;
        }
        int inSeq = (seq - seqOffset) & 0xFFFF;
        int slot = from.cache.find(inSeq);
        if (slot < 0 || nowMillis - from.cache.sentAt(slot) > 1000) {
            return;
        }
        byte[] src = from.cache.bytes(slot);
        int srcLen = from.cache.length(slot);
        if (!cached.wrap(src, 0, srcLen)) {
            return;
        }
        long ts = (cached.timestamp() + tsOffset) & 0xFFFFFFFFL;
        byte[] b = subscriber.ctx.scratch;
        int h = rtxHeader(b, cached.marker(), ts);
        Bytes.put16(b, h, seq);
        System.arraycopy(src, cached.payloadOffset(), b, h + 2, cached.payloadLength());
        retransmissions++;
        sendRtx(b, h + 2 + cached.payloadLength(), h, nowMillis);
    }

    /** The transport-cc number {@link #rtxHeader} gave the RTX packet being built. */
    private int rtxTccSeq;

    /** Writes the next RTX packet's header (its own sequence and transport-cc numbers) into {@code b}. */
    private int rtxHeader(byte[] b, boolean marker, long ts) {
        PeerTransport t = subscriber.subscribe;
        rtxTccSeq = t.nextTccSeq;
        t.nextTccSeq = (t.nextTccSeq + 1) & 0xFFFF;
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        int rtxPt = up.media.isH264() ? SubscribeOfferWriter.H264_RTX_PT : SubscribeOfferWriter.RTX_PT;
        return RtpHeaderWriter.write(b, 0, marker, rtxPt, rtxSeq, ts, rtxSsrc, Extensions.SUBSCRIBE_TCC_ID, rtxTccSeq, 0, -1);
    }

    /** Notes the RTX packet for the estimate and sends it. */
    private void sendRtx(byte[] b, int len, int headerLen, long nowMillis) {
        PeerTransport t = subscriber.subscribe;
        t.bwe.sent(rtxTccSeq, len, nowMillis * 1000);
        t.sendRtp(b, 0, len, headerLen);
    }

    /** Largest padding an RTP packet can carry: the count is one byte (RFC 3550 §5.1). */
    static final int MAX_PADDING = 255;

    /** Whether {@link #sendPadding} may use this track: a started video stream, so its RTX SSRC is live. */
    boolean canPad() {
        return active && negotiated && forwarding && started && !up.audio && subscriber.subscribe.out != null;
    }

    /**
     * Sends one padding-only packet of {@code padding} bytes (1..255) on this track's RTX SSRC, numbered
     * for transport-cc like media, so a probe's feedback shows whether the path carries more. The
     * receiver discards it after counting it (an RTX packet with no payload, as libwebrtc's own probes).
     */
    void sendPadding(int padding, long nowMillis) {
        byte[] b = subscriber.ctx.scratch;
        int h = rtxHeader(b, false, lastOutTs);
        b[0] |= 0x20; // P: the payload is all padding
        java.util.Arrays.fill(b, h, h + padding - 1, (byte) 0);
        b[h + padding - 1] = (byte) padding;
        paddingPackets++;
        sendRtx(b, h + padding, h, nowMillis);
    }

    /** Relays the publisher's sender report for the current stream, in this track's SSRC and timeline. */
    void senderReport(UpStream from) {
        if (from != current || !negotiated || subscriber.subscribe.out == null) {
            return;
        }
        byte[] b = subscriber.ctx.rtcpScratch;
        int n = RtcpWriter.sr(b, 0, ssrc, from.srNtp, (from.srRtp + tsOffset) & 0xFFFFFFFFL, packets, bytes);
        subscriber.subscribe.sendRtcp(b, 0, n);
    }
}
