// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

/** RTP header extension URIs Porta understands (RFC 8285 names). */
public final class Extensions {
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /** The ids the SFU uses on its subscribe connections. */
    public static final int SUBSCRIBE_TCC_ID = 3;

    private Extensions() { }
}
