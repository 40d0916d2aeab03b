// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import dev.porta.media.api.SdpException;
import java.util.ArrayList;
import java.util.List;

/**
 * An SDP (RFC 8866) as lines grouped into a session part and media sections; attributes keep their
 * order. Only what offer/answer needs is interpreted; everything else is kept as text.
 */
public final class SessionDescription {
    /** One {@code a=} line: {@code name} and the text after the first colon (empty for flags). */
    public record Attribute(String name, String value) { }

    /** One {@code m=} section. */
    public static final class Media {
        public final String kind;
        public final int port;
        public final String proto;
        public final List<String> formats;
        public final List<Attribute> attributes = new ArrayList<>();

        Media(String kind, int port, String proto, List<String> formats) {
            this.kind = kind;
            this.port = port;
            this.proto = proto;
            this.formats = formats;
        }

        public String attr(String name) {
            for (Attribute a : attributes) {
                if (a.name.equals(name)) {
                    return a.value;
                }
            }
            return null;
        }

        public List<String> attrs(String name) {
            List<String> out = new ArrayList<>();
            for (Attribute a : attributes) {
                if (a.name.equals(name)) {
                    out.add(a.value);
                }
            }
            return out;
        }

        public boolean has(String name) {
            return attr(name) != null;
        }

        public String mid() {
            return attr("mid");
        }

        /** sendrecv, sendonly, recvonly or inactive (sendrecv when absent, as RFC 3264 says). */
        public String direction() {
            for (String d : List.of("sendrecv", "sendonly", "recvonly", "inactive")) {
                if (has(d)) {
                    return d;
                }
            }
            return "sendrecv";
        }

        /** The payload type whose rtpmap names {@code codec} (case-insensitive), or -1. */
        public int payloadType(String codec) {
            for (String r : attrs("rtpmap")) {
                String[] p = r.split("[ /]");
                if (p.length >= 2 && p[1].equalsIgnoreCase(codec)) {
                    return parsePt(p[0]);
                }
            }
            return -1;
        }

        /** The RTX payload type whose fmtp says {@code apt=pt}, or -1. */
        public int rtxFor(int pt) {
            for (String r : attrs("rtpmap")) {
                String[] p = r.split("[ /]");
                if (p.length >= 2 && p[1].equalsIgnoreCase("rtx")) {
                    int rtx = parsePt(p[0]);
                    if (Integer.toString(pt).equals(fmtpParam(rtx, "apt"))) {
                        return rtx;
                    }
                }
            }
            return -1;
        }

        public String fmtp(int pt) {
            for (String f : attrs("fmtp")) {
                int sp = f.indexOf(' ');
                if (sp > 0 && f.substring(0, sp).equals(Integer.toString(pt))) {
                    return f.substring(sp + 1);
                }
            }
            return null;
        }

        public String fmtpParam(int pt, String key) {
            String f = fmtp(pt);
            if (f == null) {
                return null;
            }
            for (String kv : f.split(";")) {
                String[] p = kv.trim().split("=", 2);
                if (p.length == 2 && p[0].equalsIgnoreCase(key)) {
                    return p[1];
                }
            }
            return null;
        }

        /** The id of the header extension {@code uri}, or 0 when not offered. */
        public int extensionId(String uri) {
            for (String e : attrs("extmap")) {
                String[] p = e.split(" ");
                if (p.length >= 2 && p[1].equals(uri)) {
                    try {
                        int id = Integer.parseInt(p[0].split("/")[0]);
                        return id >= 1 && id <= 14 ? id : 0;
                    } catch (NumberFormatException ex) {
                        return 0;
                    }
                }
            }
            return 0;
        }
    }

    public final List<Attribute> sessionAttributes = new ArrayList<>();
    public final List<Media> media = new ArrayList<>();

    /** Parses an SDP; throws for text that is not SDP at all or is unreasonably large. */
    public static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP");
        }
        if (sdp.length() > 64 * 1024) {
            throw new SdpException("SDP larger than 64 KiB");
        }
        SessionDescription d = new SessionDescription();
        boolean sawVersion = false;
        Media current = null;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("not an SDP line: " + abbreviate(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            switch (type) {
                case 'v' -> sawVersion = true;
                case 'm' -> {
                    String[] p = value.split(" ");
                    if (p.length < 3) {
                        throw new SdpException("bad m= line: " + abbreviate(line));
                    }
                    int port;
                    try {
                        port = Integer.parseInt(p[1].split("/")[0]);
                    } catch (NumberFormatException e) {
                        throw new SdpException("bad port in m= line");
                    }
                    if (d.media.size() >= 64) {
                        throw new SdpException("more than 64 media sections");
                    }
                    current = new Media(p[0], port, p[2], List.of(p).subList(3, p.length));
                    d.media.add(current);
                }
                case 'a' -> {
                    int colon = value.indexOf(':');
                    Attribute a = colon < 0 ? new Attribute(value, "") :
                            new Attribute(value.substring(0, colon), value.substring(colon + 1));
                    (current == null ? d.sessionAttributes : current.attributes).add(a);
                }
                default -> { }
            }
        }
        if (!sawVersion) {
            throw new SdpException("missing v= line");
        }
        return d;
    }

    /** A media-level attribute, falling back to the session level (ice-ufrag, fingerprint...). */
    public String attr(Media m, String name) {
        String v = m == null ? null : m.attr(name);
        if (v != null) {
            return v;
        }
        for (Attribute a : sessionAttributes) {
            if (a.name.equals(name)) {
                return a.value;
            }
        }
        return null;
    }

    static int parsePt(String s) {
        try {
            int v = Integer.parseInt(s);
            return v >= 0 && v <= 127 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
