// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import java.util.List;

/**
 * Writes the SFU's offer for a subscribe connection: one sendonly m-section per forwarded track, in a
 * stable order (m-sections are never removed, only made inactive, as JSEP requires), each with
 * {@code a=msid:<participant> <source>} and its SSRCs.
 */
public final class SubscribeOfferWriter {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int RTX_PT = 97;
    public static final int H264_PT = 102;
    public static final int H264_RTX_PT = 103;

    private SubscribeOfferWriter() { }

    public static String offer(long sessionVersion, List<DownTrackSpec> tracks, PublishNegotiator.LocalTransport local) {
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\no=- 4611731400430051336 ").append(sessionVersion).append(" IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        StringBuilder bundle = new StringBuilder();
        for (DownTrackSpec t : tracks) {
            bundle.append(' ').append(t.mid());
        }
        sdp.append("a=group:BUNDLE").append(bundle).append("\r\n");
        sdp.append("a=ice-lite\r\na=msid-semantic: WMS *\r\n");
        for (DownTrackSpec t : tracks) {
            String fmts = t.audio() ? Integer.toString(OPUS_PT) : t.h264() ? H264_PT + " " + H264_RTX_PT : VP8_PT + " " + RTX_PT;
            sdp.append("m=").append(t.audio() ? "audio" : "video").append(" 9 UDP/TLS/RTP/SAVPF ").append(fmts).append("\r\n");
            sdp.append(local.connectionLine()).append("\r\n");
            sdp.append("a=mid:").append(t.mid()).append("\r\n");
            PublishNegotiator.transport(sdp, local);
            sdp.append("a=setup:actpass\r\n");
            sdp.append("a=rtcp-mux\r\na=rtcp-rsize\r\n");
            sdp.append("a=extmap:").append(Extensions.SUBSCRIBE_TCC_ID).append(' ').append(Extensions.TRANSPORT_CC).append("\r\n");
            if (t.audio()) {
                sdp.append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
                sdp.append("a=rtcp-fb:111 transport-cc\r\n");
            } else if (t.h264()) {
                sdp.append("a=rtpmap:102 H264/90000\r\n");
                sdp.append("a=fmtp:102 ").append(t.h264Fmtp() == null
                        ? "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" : t.h264Fmtp()).append("\r\n");
                sdp.append("a=rtcp-fb:102 transport-cc\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\na=rtcp-fb:102 ccm fir\r\n");
                sdp.append("a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n");
            } else {
                sdp.append("a=rtpmap:96 VP8/90000\r\n");
                sdp.append("a=rtcp-fb:96 transport-cc\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n");
                sdp.append("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n");
            }
            if (t.active()) {
                sdp.append("a=sendonly\r\n");
                sdp.append("a=msid:").append(t.streamId()).append(' ').append(t.trackId()).append("\r\n");
                if (!t.audio()) {
                    sdp.append("a=ssrc-group:FID ").append(t.ssrc()).append(' ').append(t.rtxSsrc()).append("\r\n");
                }
                sdp.append("a=ssrc:").append(t.ssrc()).append(" cname:porta\r\n");
                if (!t.audio()) {
                    sdp.append("a=ssrc:").append(t.rtxSsrc()).append(" cname:porta\r\n");
                }
            } else {
                sdp.append("a=inactive\r\n");
            }
        }
        return sdp.toString();
    }
}
