// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

/** One m-section of a subscribe offer: a forwarded track, or a retired one ({@code active} false). */
public record DownTrackSpec(String mid, boolean audio, long ssrc, long rtxSsrc, String streamId, String trackId,
                            boolean active, boolean h264, String h264Fmtp) {

    /** A VP8 or Opus track. */
    public DownTrackSpec(String mid, boolean audio, long ssrc, long rtxSsrc, String streamId, String trackId,
                         boolean active) {
        this(mid, audio, ssrc, rtxSsrc, streamId, trackId, active, false, null);
    }
}
