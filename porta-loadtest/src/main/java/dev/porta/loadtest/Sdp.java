// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.api.SdpException;
import dev.porta.media.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The SDP a synthetic participant writes: a browser-shaped publish offer (Opus and/or VP8 simulcast with
 * three rids) and answers to the server's subscribe offers. Only what the wire needs; no codec choice.
 */
public final class Sdp {
    /** Header extension ids in the publish offer (the same numbers Chromium uses). */
    public static final int AUDIO_LEVEL_ID = 1;
    public static final int MID_ID = 4;
    public static final int RID_ID = 10;
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;

    private Sdp() { }

    /** The value of the first {@code a=name:value} line, or null. */
    public static String attribute(String sdp, String name) {
        String prefix = "a=" + name + ":";
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** The publish offer: mid "0" audio (sendonly) if {@code audioSsrc >= 0}, mid "1" VP8 with rids q, h, f if video. */
    /** The id the SDP gives the header extension {@code uri} (porta-media's parser reads it); -1 when none does. */
    public static int extensionId(String sdp, String uri) {
        try {
            for (SessionDescription.Media m : SessionDescription.parse(sdp).media) {
                int id = m.extensionId(uri);
                if (id > 0) {
                    return id;
                }
            }
        } catch (SdpException e) {
            // not an SDP we can read: no extension, as for any offer without it
        }
        return -1;
    }

    public static String publishOffer(PeerConnection pc, String fingerprint, long audioSsrc, boolean video) {
        return publishOffer(pc, fingerprint, audioSsrc, video, "actpass");
    }

    /**
     * The publish offer with a chosen DTLS setup: "actpass" as browsers send it, or "active" for a server
     * that would otherwise take the client role itself (Janus answers an actpass offer with active).
     */
    public static String publishOffer(PeerConnection pc, String fingerprint, long audioSsrc, boolean video, String setup) {
        List<String> l = new ArrayList<>(List.of("v=0", "o=- " + System.nanoTime() + " 2 IN IP4 127.0.0.1", "s=-", "t=0 0"));
        List<String> mids = new ArrayList<>();
        if (audioSsrc >= 0) {
            mids.add("0");
        }
        if (video) {
            mids.add("1");
        }
        l.add("a=group:BUNDLE " + String.join(" ", mids));
        l.add("a=msid-semantic: WMS loadtest");
        if (audioSsrc >= 0) {
            l.add("m=audio 9 UDP/TLS/RTP/SAVPF " + OPUS_PT);
            transport(l, pc, fingerprint, setup, "0");
            l.add("a=extmap:" + AUDIO_LEVEL_ID + " urn:ietf:params:rtp-hdrext:ssrc-audio-level");
            l.add("a=extmap:" + MID_ID + " urn:ietf:params:rtp-hdrext:sdes:mid");
            l.add("a=sendonly");
            l.add("a=msid:loadtest audio");
            l.add("a=rtpmap:" + OPUS_PT + " opus/48000/2");
            l.add("a=fmtp:" + OPUS_PT + " minptime=10;useinbandfec=1");
            l.add("a=ssrc:" + audioSsrc + " cname:loadtest");
        }
        if (video) {
            l.add("m=video 9 UDP/TLS/RTP/SAVPF " + VP8_PT);
            transport(l, pc, fingerprint, setup, "1");
            l.add("a=extmap:" + MID_ID + " urn:ietf:params:rtp-hdrext:sdes:mid");
            l.add("a=extmap:" + RID_ID + " urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
            l.add("a=sendonly");
            l.add("a=msid:loadtest video");
            l.add("a=rtpmap:" + VP8_PT + " VP8/90000");
            l.add("a=rtcp-fb:" + VP8_PT + " nack");
            l.add("a=rtcp-fb:" + VP8_PT + " nack pli");
            l.add("a=rid:q send");
            l.add("a=rid:h send");
            l.add("a=rid:f send");
            l.add("a=simulcast:send q;h;f");
        }
        return String.join("\r\n", l) + "\r\n";
    }

    private static void transport(List<String> l, PeerConnection pc, String fingerprint, String setup, String mid) {
        l.add("c=IN IP4 0.0.0.0");
        l.add("a=ice-ufrag:" + pc.localUfrag());
        l.add("a=ice-pwd:" + pc.localPwd());
        l.add("a=ice-options:trickle");
        l.add("a=fingerprint:sha-256 " + fingerprint);
        l.add("a=setup:" + setup);
        l.add("a=mid:" + mid);
        l.add("a=rtcp-mux");
        // our one host candidate, so that a server need not wait for trickled ones
        l.add(pc.candidateLine());
        l.add("a=end-of-candidates");
    }

    /**
     * A browser-like answer to a subscribe offer: every active section accepted recvonly with the codecs
     * and feedback the server offered, inactive ones kept inactive; DTLS active (we are the client).
     */
    public static String subscribeAnswer(String offer, PeerConnection pc, String fingerprint) {
        StringBuilder a = new StringBuilder("v=0\r\no=- ").append(System.nanoTime()).append(" 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        String bundle = attribute(offer, "group");
        if (bundle != null) {
            a.append("a=group:").append(bundle).append("\r\n");
        }
        for (String section : offer.split("(?=\r?\nm=)")) {
            section = section.strip();
            if (!section.startsWith("m=")) {
                continue;
            }
            String[] lines = section.split("\r?\n");
            a.append(lines[0]).append("\r\n");
            List<String> l = new ArrayList<>();
            boolean inactive = section.contains("a=inactive");
            transport(l, pc, fingerprint, "active", attribute(section, "mid"));
            for (String s : l) {
                a.append(s).append("\r\n");
            }
            a.append(inactive ? "a=inactive\r\n" : "a=recvonly\r\n");
            for (String line : lines) {
                if (line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:") || line.startsWith("a=rtcp-fb:")
                        || line.startsWith("a=extmap:")) {
                    a.append(line).append("\r\n");
                }
            }
        }
        return a.toString();
    }
}
