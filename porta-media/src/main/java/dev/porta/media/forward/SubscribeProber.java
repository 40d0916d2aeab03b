// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.bwe.ProbeController;

/**
 * Probes one participant's subscribe path when its estimate is below the video layers it wants: runs the
 * probe decision ({@link ProbeController}) every tick, adopts a successful probe's rate (and re-allocates
 * at once, so the layers climb), and while probing pads one started video track's RTX stream up to the
 * probe's target, at most {@link #MAX_PADDING_PACKETS_PER_TICK} packets a tick. Media thread only;
 * allocation-free.
 */
final class SubscribeProber {
    /** Padding packets per tick at most: 16 × 255 bytes every 20 ms is ~1.6 Mbit/s. */
    static final int MAX_PADDING_PACKETS_PER_TICK = 16;
    /** Padding rate a probe may add at most, bits/s (also never above {@code media.max-bitrate}). */
    static final long MAX_PADDING_BPS = 1_500_000;

    private final ProbeController controller;
    private long lastTickMillis = -1;

    SubscribeProber(long maxBitrateBps) {
        this.controller = new ProbeController(Math.min(MAX_PADDING_BPS, maxBitrateBps));
    }

    /** One tick for {@code self}'s subscribe path, with the layers {@link LayerAllocator} last left on it. */
    void tick(Participant self, long nowMillis) {
        long elapsed = lastTickMillis < 0 ? 0 : Math.min(40, nowMillis - lastTickMillis);
        lastTickMillis = nowMillis;
        BandwidthEstimator bwe = self.subscribe.bwe;
        controller.tick(nowMillis, bwe.estimateBps(), self.wantedVideoBps, bwe.incomingBps(), bwe.usage(),
                bwe.lastDecreaseMillis());
        long probed = controller.takeResult();
        if (probed > 0) {
            bwe.probed(probed, nowMillis);
            self.allocate(nowMillis);
        }
        long paddingBps = controller.paddingBps(self.allocatedVideoBps);
        if (paddingBps <= 0 || elapsed <= 0) {
            return;
        }
        DownTrack carrier = carrier(self);
        if (carrier == null) {
            return;
        }
        long bytes = paddingBps * elapsed / 8000;
        for (int n = 0; bytes > 0 && n < MAX_PADDING_PACKETS_PER_TICK; n++) {
            int size = (int) Math.min(DownTrack.MAX_PADDING, bytes);
            carrier.sendPadding(size, nowMillis);
            bytes -= size;
        }
    }

    /** The first down-track that can carry padding, or null. */
    private static DownTrack carrier(Participant self) {
        for (int i = 0; i < self.downTracks.size(); i++) {
            if (self.downTracks.get(i).canPad()) {
                return self.downTracks.get(i);
            }
        }
        return null;
    }
}
