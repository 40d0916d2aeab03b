// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers a browser's publish offer: accepts Opus for audio and VP8 (plus its RTX) for video, the
 * header extensions the SFU uses, and up to three simulcast rids; rejects everything else with port 0.
 * The answer is always ICE-lite, DTLS passive (the SFU is the DTLS server), BUNDLE and rtcp-mux.
 */
public final class PublishNegotiator {
    /** Local transport parameters written into every answer. */
    public record LocalTransport(String ufrag, String pwd, String fingerprint, List<IceCandidate> candidates) {
        /** UDP host candidates only: one per comma-separated address, on {@code port}. */
        public LocalTransport(String ufrag, String pwd, String fingerprint, String address, int port) {
            this(ufrag, pwd, fingerprint, IceCandidate.of(List.of(address.split(",")), List.of(), port, -1));
        }

        /** The m-section's {@code c=} line: the most preferred candidate's address (RFC 8839 §5.1). */
        public String connectionLine() {
            String a = candidates.isEmpty() ? "0.0.0.0" : candidates.getFirst().address();
            return (a.indexOf(':') >= 0 ? "c=IN IP6 " : "c=IN IP4 ") + a;
        }
    }

    /** The answer text, the accepted media, and the peer's transport parameters. */
    public record Result(String answer, List<PublishedMedia> media, String remoteUfrag, String remoteFingerprint) { }

    private PublishNegotiator() { }

    public static Result answer(String offerText, Map<String, TrackSource> sourcesByMid, LocalTransport local)
            throws SdpException {
        SessionDescription offer = SessionDescription.parse(offerText);
        if (offer.media.isEmpty()) {
            throw new SdpException("offer has no media sections");
        }
        Media0 first = new Media0(offer, offer.media.get(0));
        String fingerprint = first.get("fingerprint");
        if (fingerprint == null || !fingerprint.toLowerCase(java.util.Locale.ROOT).startsWith("sha-256 ")) {
            throw new SdpException("offer lacks a sha-256 fingerprint");
        }
        if ("passive".equals(first.get("setup"))) {
            throw new SdpException("offer wants the DTLS server role (a=setup:passive); the SFU is always the DTLS server");
        }
        String ufrag = first.get("ice-ufrag");
        if (ufrag == null || offer.attr(first.m, "ice-pwd") == null) {
            throw new SdpException("offer lacks ice-ufrag/ice-pwd");
        }
        List<PublishedMedia> accepted = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        List<String> bundle = new ArrayList<>();
        for (SessionDescription.Media m : offer.media) {
            String mid = m.mid();
            if (mid == null) {
                throw new SdpException("offer has an m-section without a=mid (not unified plan)");
            }
            if (!"UDP/TLS/RTP/SAVPF".equals(m.proto)) {
                reject(body, m);
                continue;
            }
            if (!m.has("rtcp-mux")) {
                throw new SdpException("offer without rtcp-mux");
            }
            TrackSource source = sourcesByMid.get(mid);
            boolean audio = "audio".equals(m.kind);
            boolean sending = m.direction().equals("sendrecv") || m.direction().equals("sendonly");
            boolean kindOk = source != null && (audio == (source == TrackSource.MICROPHONE))
                    && ("audio".equals(m.kind) || "video".equals(m.kind));
            int pt = audio ? m.payloadType("opus") : m.payloadType("VP8");
            String codec = audio ? "opus" : "VP8";
            if (!audio && pt < 0) {
                // H.264 only where VP8 is not offered: packetization-mode=1, constrained baseline preferred
                pt = h264PayloadType(m);
                codec = "H264";
            }
            if (!sending || !kindOk || pt < 0 || m.port == 0) {
                reject(body, m);
                continue;
            }
            int rtx = audio ? -1 : m.rtxFor(pt);
            List<String> rids = new ArrayList<>();
            for (String r : m.attrs("rid")) {
                String[] p = r.split(" ");
                if (p.length >= 2 && p[1].equals("send") && rids.size() < 3 && p[0].matches("[A-Za-z0-9_-]{1,16}")) {
                    rids.add(p[0]);
                }
            }
            if (audio) {
                rids.clear();
            }
            List<Long> ssrcs = new ArrayList<>();
            List<Long> rtxSsrcs = new ArrayList<>();
            for (String g : m.attrs("ssrc-group")) {
                String[] p = g.split(" ");
                if (p.length == 3 && p[0].equals("FID")) {
                    ssrcs.add(parseSsrc(p[1]));
                    rtxSsrcs.add(parseSsrc(p[2]));
                }
            }
            if (ssrcs.isEmpty()) {
                for (String s : m.attrs("ssrc")) {
                    long v = parseSsrc(s.split(" ")[0]);
                    if (v >= 0 && !ssrcs.contains(v)) {
                        ssrcs.add(v);
                    }
                }
            }
            int midExt = m.extensionId(Extensions.MID);
            int ridExt = m.extensionId(Extensions.RID);
            int rridExt = m.extensionId(Extensions.REPAIRED_RID);
            int levelExt = audio ? m.extensionId(Extensions.AUDIO_LEVEL) : 0;
            int tccExt = m.extensionId(Extensions.TRANSPORT_CC);
            int absExt = m.extensionId(Extensions.ABS_SEND_TIME);
            accepted.add(new PublishedMedia(mid, audio, source, pt, rtx, List.copyOf(rids), List.copyOf(ssrcs),
                    List.copyOf(rtxSsrcs), midExt, ridExt, rridExt, levelExt, tccExt, codec, m.fmtp(pt)));
            bundle.add(mid);

            String fmts = rtx >= 0 ? pt + " " + rtx : Integer.toString(pt);
            body.append("m=").append(m.kind).append(" 9 UDP/TLS/RTP/SAVPF ").append(fmts).append("\r\n");
            body.append(local.connectionLine()).append("\r\n");
            body.append("a=mid:").append(mid).append("\r\n");
            body.append("a=recvonly\r\n");
            transport(body, local);
            body.append("a=setup:passive\r\n");
            body.append("a=rtcp-mux\r\na=rtcp-rsize\r\n");
            for (int[] e : new int[][] {{midExt}, {ridExt}, {rridExt}, {levelExt}, {tccExt}, {absExt}}) {
                if (e[0] > 0) {
                    body.append("a=extmap:").append(e[0]).append(' ')
                            .append(uriFor(m, e[0])).append("\r\n");
                }
            }
            body.append("a=rtpmap:").append(pt).append(' ').append(rtpmapOf(m, pt)).append("\r\n");
            String fmtp = m.fmtp(pt);
            if (audio) {
                // ask for in-band FEC and DTX: loss resilience, and no packets at all during silence
                String f = fmtp == null || fmtp.isBlank() ? "minptime=10" : fmtp;
                if (!f.contains("useinbandfec=")) {
                    f += ";useinbandfec=1";
                }
                if (!f.contains("usedtx=")) {
                    f += ";usedtx=1";
                }
                fmtp = f;
            }
            if (fmtp != null) {
                body.append("a=fmtp:").append(pt).append(' ').append(fmtp).append("\r\n");
            }
            body.append("a=rtcp-fb:").append(pt).append(" transport-cc\r\n");
            if (!audio) {
                body.append("a=rtcp-fb:").append(pt).append(" nack\r\n");
                body.append("a=rtcp-fb:").append(pt).append(" nack pli\r\n");
                body.append("a=rtcp-fb:").append(pt).append(" ccm fir\r\n");
                body.append("a=rtcp-fb:").append(pt).append(" goog-remb\r\n");
            }
            if (rtx >= 0) {
                body.append("a=rtpmap:").append(rtx).append(' ').append(rtpmapOf(m, rtx)).append("\r\n");
                body.append("a=fmtp:").append(rtx).append(" apt=").append(pt).append("\r\n");
            }
            if (!rids.isEmpty()) {
                for (String r : rids) {
                    body.append("a=rid:").append(r).append(" recv\r\n");
                }
                body.append("a=simulcast:recv ").append(String.join(";", rids)).append("\r\n");
            }
        }
        if (accepted.isEmpty()) {
            throw new SdpException("offer has nothing the SFU can receive (Opus audio or VP8 video with a known source)");
        }
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\no=- ").append(System.identityHashCode(body)).append(" 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        sdp.append("a=group:BUNDLE ").append(String.join(" ", bundle)).append("\r\n");
        sdp.append("a=ice-lite\r\na=msid-semantic: WMS\r\n");
        sdp.append(body);
        return new Result(sdp.toString(), List.copyOf(accepted), ufrag,
                fingerprint.substring("sha-256 ".length()).trim());
    }

    static void transport(StringBuilder b, LocalTransport local) {
        b.append("a=ice-ufrag:").append(local.ufrag()).append("\r\n");
        b.append("a=ice-pwd:").append(local.pwd()).append("\r\n");
        b.append("a=fingerprint:sha-256 ").append(local.fingerprint()).append("\r\n");
        // the SFU's candidates in order of preference: UDP host, UDP 1:1 NAT, then the same over ICE-TCP
        for (IceCandidate c : local.candidates()) {
            b.append(c.sdpLine()).append("\r\n");
        }
        b.append("a=end-of-candidates\r\n");
    }

    private static void reject(StringBuilder body, SessionDescription.Media m) {
        body.append("m=").append(m.kind).append(" 0 ").append(m.proto).append(' ')
                .append(m.formats.isEmpty() ? "0" : m.formats.get(0)).append("\r\n");
        body.append("c=IN IP4 0.0.0.0\r\n");
        if (m.mid() != null) {
            body.append("a=mid:").append(m.mid()).append("\r\n");
        }
        body.append("a=inactive\r\n");
    }

    private static int h264PayloadType(SessionDescription.Media m) {
        int fallback = -1;
        for (String r : m.attrs("rtpmap")) {
            String[] p = r.split("[ /]");
            if (p.length >= 2 && p[1].equalsIgnoreCase("H264")) {
                int pt = SessionDescription.parsePt(p[0]);
                if (pt < 0 || !"1".equals(m.fmtpParam(pt, "packetization-mode"))) {
                    continue;
                }
                String profile = m.fmtpParam(pt, "profile-level-id");
                if (profile != null && profile.toLowerCase(java.util.Locale.ROOT).startsWith("42e0")) {
                    return pt;
                }
                if (fallback < 0) {
                    fallback = pt;
                }
            }
        }
        return fallback;
    }

    private static String uriFor(SessionDescription.Media m, int id) {
        for (String e : m.attrs("extmap")) {
            String[] p = e.split(" ");
            if (p.length >= 2 && p[0].split("/")[0].equals(Integer.toString(id))) {
                return p[1];
            }
        }
        return "";
    }

    private static String rtpmapOf(SessionDescription.Media m, int pt) {
        for (String r : m.attrs("rtpmap")) {
            int sp = r.indexOf(' ');
            if (sp > 0 && r.substring(0, sp).equals(Integer.toString(pt))) {
                return r.substring(sp + 1);
            }
        }
        return "";
    }

    private static long parseSsrc(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v >= 0 && v <= 0xFFFFFFFFL ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The first media section, with session-level fallback for transport attributes. */
    private record Media0(SessionDescription d, SessionDescription.Media m) {
        String get(String name) {
            return d.attr(m, name);
        }
    }
}
