// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.TrackSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Decides, per subscriber, which video it receives and at which simulcast layer. Media thread only. */
final class LayerAllocator {
    private LayerAllocator() { }

    /**
     * Chooses which video this participant receives and at which layer: screen shares first, then
     * pinned and last-N cameras by speaker relevance, each at the best active layer within its max
     * height that the bandwidth estimate still covers (the lowest layer when nothing fits). Leaves on the
     * participant what the chosen layers need and what the best layers within the max heights would
     * need, which decides whether to probe for more (see {@link SubscribeProber}).
     */
    static void allocate(Participant self, int lastN, Set<MediaParticipantId> pinned, Map<String, Integer> maxHeights,
                         long nowMillis) {
        Set<MediaParticipantId> lastNSet = new HashSet<>();
        for (Participant p : self.room.byRelevance()) {
            if (p != self && lastNSet.size() < lastN) {
                lastNSet.add(p.id);
            }
        }
        List<DownTrack> order = new ArrayList<>();
        for (DownTrack d : self.downTracks) {
            if (d.active && !d.up.audio && d.up.source == TrackSource.SCREEN) {
                order.add(d);
            }
        }
        for (DownTrack d : self.downTracks) {
            if (d.active && !d.up.audio && d.up.source == TrackSource.CAMERA && pinned.contains(d.up.owner.id)) {
                order.add(d);
            }
        }
        for (Participant p : self.room.byRelevance()) {
            for (DownTrack d : self.downTracks) {
                if (d.active && d.up.owner == p && d.up.source == TrackSource.CAMERA && !order.contains(d)
                        && lastNSet.contains(p.id)) {
                    order.add(d);
                }
            }
        }
        long budget = self.subscribe.bwe.estimateBps();
        long wanted = 0;
        long allocated = 0;
        for (DownTrack d : self.downTracks) {
            if (!d.up.audio && !order.contains(d)) {
                d.forwarding = false;
                d.setTarget(null, nowMillis);
            }
        }
        for (DownTrack d : order) {
            int maxHeight = maxHeights.getOrDefault(d.up.owner.id.value() + "/" + d.up.source.wireName(), Integer.MAX_VALUE);
            List<UpStream> layers = d.up.activeLayers(nowMillis);
            if (maxHeight == 0) {
                d.forwarding = false;
                d.setTarget(null, nowMillis);
                continue;
            }
            if (layers.isEmpty()) {
                // nothing measured yet: take any stream the publisher has and let a keyframe arrive
                d.forwarding = true;
                if (d.target == null && !d.up.streams.isEmpty()) {
                    d.setTarget(d.up.streams.get(0), nowMillis);
                }
                continue;
            }
            UpStream choice = layers.get(0);
            UpStream best = layers.get(0);
            for (UpStream s : layers) {
                boolean fitsHeight = s.height == 0 || s.height <= maxHeight;
                if (fitsHeight && s.bitrate <= budget) {
                    choice = s;
                }
                if (fitsHeight) {
                    best = s;
                }
            }
            budget -= choice.bitrate;
            wanted += best.bitrate;
            allocated += choice.bitrate;
            d.forwarding = true;
            if (d.target != choice) {
                d.setTarget(choice, nowMillis);
            }
        }
        self.wantedVideoBps = wanted;
        self.allocatedVideoBps = allocated;
    }
}
