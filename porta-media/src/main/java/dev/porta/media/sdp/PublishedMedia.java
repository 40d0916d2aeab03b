// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import dev.porta.media.api.TrackSource;
import java.util.List;

/**
 * What one accepted m-section of a publish offer carries, as negotiated: the codec payload types, the
 * header extension ids the publisher will use, and how its RTP streams are identified (SSRCs from
 * {@code a=ssrc} lines, or rids for simulcast).
 */
public record PublishedMedia(String mid, boolean audio, TrackSource source, int payloadType, int rtxPayloadType,
                             List<String> rids, List<Long> ssrcs, List<Long> rtxSsrcs, int midExt, int ridExt,
                             int repairedRidExt, int audioLevelExt, int tccExt, String codec, String fmtp) {

    public boolean isH264() {
        return "H264".equalsIgnoreCase(codec);
    }
}
