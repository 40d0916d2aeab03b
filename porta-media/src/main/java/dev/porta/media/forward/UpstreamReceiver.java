// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.rtp.RtpPacket;
import java.util.List;

/**
 * The receive side of a participant's publish connection: finds the up-stream each RTP packet belongs
 * to (by SSRC, or learning it from the mid/rid extensions), unwraps RTX, records transport-wide-cc
 * arrivals and audio levels, honours server mute, and hands the packet to every down-track.
 */
final class UpstreamReceiver {
    private final Participant self;

    UpstreamReceiver(Participant self) {
        this.self = self;
    }

    void onRtp(PeerTransport t, RtpPacket p, long nowMillis) {
        MediaContext ctx = self.ctx;
        if (t != self.publish) {
            ctx.drop("rtp-on-subscribe");
            return;
        }
        self.packetsIn++;
        self.bytesIn += p.length();
        UpStream s = findStream(p);
        if (s == null) {
            UpStream repaired = findRepaired(p);
            if (repaired == null) {
                self.unknownStreams++;
                ctx.drop("rtp-unknown-stream");
                return;
            }
            recordTcc(repaired.track, p, nowMillis);
            if (p.payloadLength() < 2) {
                return; // padding-only probe on the RTX stream: bandwidth probing, nothing to forward
            }
            if (!unwrapRtx(p, repaired)) {
                return;
            }
            if (repaired.cache != null && repaired.cache.find(p.sequenceNumber()) >= 0) {
                // Already have it: the original came late, or the browser probes bandwidth with
                // retransmissions of packets it sent. Forwarding it again would reuse its number.
                ctx.drop("rtx-duplicate");
                return;
            }
            s = repaired;
        } else {
            recordTcc(s.track, p, nowMillis);
        }
        UpTrack track = s.track;
        if (p.payloadType() != track.media.payloadType()) {
            return; // another codec on this m-section: not forwarded
        }
        s.received(p, nowMillis);
        if (self.disabled.contains(track.source)) {
            return;
        }
        RecordingTap tap = self.room.recording;
        if (tap != null && self.recorded && s == track.streams.get(0)) {
            tap.offer(self, track, p, nowMillis); // one layer per track: the first stream the browser sent
        }
        if (track.audio && track.media.audioLevelExt() > 0) {
            int level = p.audioLevel(track.media.audioLevelExt());
            if (level >= 0) {
                self.room.speakers.level(self, level & 0x7F, nowMillis);
            }
        }
        List<DownTrack> downs = track.downs;
        for (int i = 0; i < downs.size(); i++) {
            downs.get(i).forward(s, p, nowMillis);
        }
    }

    private void recordTcc(UpTrack track, RtpPacket p, long nowMillis) {
        if (track.media.tccExt() > 0) {
            int seq = p.transportSequence(track.media.tccExt());
            if (seq >= 0) {
                self.publish.tcc.record(seq, nowMillis * 1000);
            }
        }
    }

    /** The stream an RTX packet repairs (by SDP FID, or learned from repaired-rid), or null. */
    private UpStream findRepaired(RtpPacket p) {
        long ssrc = p.ssrc();
        for (int i = 0; i < self.upList.size(); i++) {
            UpStream s = self.upList.get(i).repairedBy(ssrc);
            if (s != null) {
                return s;
            }
        }
        for (UpTrack t : self.upList) {
            if (t.media.rtxPayloadType() < 0 || p.payloadType() != t.media.rtxPayloadType() || t.media.repairedRidExt() <= 0) {
                continue;
            }
            String rrid = p.extensionString(t.media.repairedRidExt());
            for (UpStream s : t.streams) {
                if (rrid != null && rrid.equals(s.rid) && s.rtxSsrc < 0) {
                    s.rtxSsrc = ssrc;
                    return s;
                }
            }
        }
        return null;
    }

    /**
     * Turns an RTX packet (RFC 4588: original sequence number, then the original payload) back into the
     * original packet in place: the header moves two bytes forward over the OSN and takes the repaired
     * stream's SSRC, sequence number and payload type.
     */
    private boolean unwrapRtx(RtpPacket p, UpStream repaired) {
        byte[] b = p.buffer();
        int off = p.offset();
        int h = p.headerLength();
        int osn = dev.porta.media.util.Bytes.u16(b, off + h);
        System.arraycopy(b, off, b, off + 2, h);
        if (!p.wrap(b, off + 2, p.length() - 2)) {
            self.ctx.drop("rtx-malformed");
            return false;
        }
        p.setSequenceNumber(osn);
        p.setSsrc(repaired.ssrc);
        p.setPayloadType(repaired.track.media.payloadType());
        return true;
    }

    /** Finds the stream by SSRC, learning new SSRCs from the mid and rid header extensions. */
    private UpStream findStream(RtpPacket p) {
        long ssrc = p.ssrc();
        for (int i = 0; i < self.upList.size(); i++) {
            UpStream s = self.upList.get(i).stream(ssrc);
            if (s != null) {
                return s;
            }
        }
        for (UpTrack t : self.upList) {
            if (t.media.midExt() <= 0) {
                continue;
            }
            String mid = p.extensionString(t.media.midExt());
            if (mid == null || !mid.equals(t.mid)) {
                continue;
            }
            if (p.payloadType() != t.media.payloadType()) {
                return null; // an RTX stream: findRepaired handles it
            }
            String rid = t.media.ridExt() > 0 ? p.extensionString(t.media.ridExt()) : null;
            if (t.simulcast() && (rid == null || !t.media.rids().contains(rid))) {
                return null;
            }
            if (t.streams.size() >= 3) {
                return null;
            }
            UpStream s = new UpStream(t, ssrc, rid);
            t.streams.add(s);
            return s;
        }
        return null;
    }
}
