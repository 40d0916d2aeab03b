// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.api.TrackSource;
import dev.porta.media.sdp.PublishedMedia;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A track a participant publishes (one m-section of its publish connection) and who receives it. */
final class UpTrack {
    final Participant owner;
    final String mid;
    final TrackSource source;
    final boolean audio;
    PublishedMedia media;
    final List<UpStream> streams = new ArrayList<>(3);
    final List<DownTrack> downs = new ArrayList<>();

    UpTrack(Participant owner, PublishedMedia media) {
        this.owner = owner;
        this.mid = media.mid();
        this.source = media.source();
        this.audio = media.audio();
        this.media = media;
    }

    /** Whether an RTP payload of this track starts a keyframe, for its codec. */
    boolean isKeyframeStart(byte[] b, int off, int len) {
        return media.isH264() ? H264.isKeyframeStart(b, off, len) : Vp8.isKeyframeStart(b, off, len);
    }

    boolean simulcast() {
        return !media.rids().isEmpty();
    }

    UpStream stream(long ssrc) {
        for (UpStream s : streams) {
            if (s.ssrc == ssrc) {
                return s;
            }
        }
        return null;
    }

    /** The stream that {@code rtxSsrc} repairs, or null. */
    UpStream repairedBy(long rtxSsrc) {
        for (UpStream s : streams) {
            if (s.rtxSsrc == rtxSsrc) {
                return s;
            }
        }
        return null;
    }

    /** Streams that carried media recently, lowest quality first (by height, then bitrate). */
    List<UpStream> activeLayers(long nowMillis) {
        List<UpStream> out = new ArrayList<>(streams.size());
        for (UpStream s : streams) {
            if (s.activeAt(nowMillis)) {
                out.add(s);
            }
        }
        out.sort(Comparator.<UpStream>comparingInt(s -> s.height).thenComparingLong(s -> s.bitrate));
        return out;
    }
}
