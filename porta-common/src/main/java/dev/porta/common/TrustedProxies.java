// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose word about the client is believed ({@code http.trusted-proxies}). Only when
 * the direct peer is one of them does the forwarding header name the client: the rightmost hop that is
 * not itself a trusted proxy, because everything left of it was written by the client and can be
 * forged. From any other peer the header is ignored and the peer is the client.
 *
 * <p>Only address literals are accepted (in the list and in headers), so nothing here looks up a name.
 */
public final class TrustedProxies {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_HOPS = 32;

    /** Which header the proxies write; the other one is ignored, so a client cannot slip in a second opinion. */
    public enum Header {
        X_FORWARDED_FOR("X-Forwarded-For"),
        FORWARDED("Forwarded");

        private final String httpName;

        Header(String httpName) {
            this.httpName = httpName;
        }

        public String httpName() {
            return httpName;
        }

        /** {@code X-Forwarded-For} or {@code Forwarded}, in any case. */
        public static Header parse(String name) {
            for (Header h : values()) {
                if (h.httpName.equalsIgnoreCase(name.trim())) {
                    return h;
                }
            }
            throw new IllegalArgumentException("must be X-Forwarded-For or Forwarded, got '" + name + "'");
        }
    }

    private record Range(byte[] network, int prefixBits) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;
    private final Header header;

    private TrustedProxies(List<Range> ranges, Header header) {
        this.ranges = List.copyOf(ranges);
        this.header = header;
    }

    /** Trusts no one: every client is its TCP peer. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), Header.X_FORWARDED_FOR);
    }

    /**
     * @param entries addresses ({@code 10.0.0.5}, {@code ::1}) or ranges ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies of(List<String> entries, Header header) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            InetAddress address = literal(slash < 0 ? e : e.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR range");
            }
            int maxBits = address.getAddress().length * 8;
            int bits = maxBits;
            if (slash >= 0) {
                String b = e.substring(slash + 1);
                if (!b.matches("\\d{1,3}") || Integer.parseInt(b) > maxBits) {
                    throw new IllegalArgumentException("'" + e + "' has a prefix length outside 0.." + maxBits);
                }
                bits = Integer.parseInt(b);
            }
            ranges.add(new Range(address.getAddress(), bits));
        }
        return new TrustedProxies(ranges, header);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The header the trusted proxies write. */
    public Header header() {
        return header;
    }

    public boolean trusts(InetAddress address) {
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client behind {@code peer}.
     *
     * @param headerValues every value of {@link #header()} in the request, in order (may be empty)
     */
    public InetAddress client(InetAddress peer, List<String> headerValues) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = hops(headerValues);
        InetAddress current = peer;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            InetAddress hop = hopAddress(hops.get(i));
            if (hop == null) {
                return current; // a trusted proxy passed on something unreadable: it is the last one we can name
            }
            if (!trusts(hop)) {
                return hop;
            }
            current = hop;
        }
        return current;
    }

    private List<String> hops(List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                hops.add(header == Header.FORWARDED ? forwardedFor(element) : element.trim());
            }
        }
        return hops;
    }

    /** The {@code for=} parameter of one Forwarded element; empty when it has none. */
    private static String forwardedFor(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String v = pair.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return "";
    }

    /** An address from a hop as proxies write it: {@code v4}, {@code v4:port}, {@code v6}, {@code [v6]}, {@code [v6]:port}. */
    private static InetAddress hopAddress(String hop) {
        String h = hop.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : literal(h.substring(1, end));
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && colon == h.lastIndexOf(':')) {
            h = h.substring(0, colon); // v4:port
        }
        return literal(h);
    }

    /** Parses an IPv4 or IPv6 literal without ever resolving a name; null when it is not one. */
    static InetAddress literal(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                for (String part : text.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        return null;
                    }
                }
                return InetAddress.getByName(text);
            }
            if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
                return InetAddress.getByName("[" + text + "]"); // brackets make the JDK refuse anything but a literal
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
