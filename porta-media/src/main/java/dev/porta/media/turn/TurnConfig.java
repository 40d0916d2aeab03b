// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TURN relay (coturn with {@code use-auth-secret}) participants are told about: keys {@code turn.urls},
 * {@code turn.shared-secret}, {@code turn.credential-ttl}. Off while {@code turn.urls} is empty.
 *
 * @param urls          {@code turn:} and {@code turns:} URLs, e.g. {@code turn:turn.example:3478?transport=udp}
 * @param sharedSecret  coturn's {@code static-auth-secret}; never leaves the server
 * @param credentialTtl how long one set of credentials works; renewed with a quarter of it left
 */
public record TurnConfig(List<String> urls, String sharedSecret, Duration credentialTtl) {
    public TurnConfig {
        urls = List.copyOf(urls);
        for (String u : urls) {
            if (!u.matches("turns?:[^\\s?]+(\\?transport=(udp|tcp))?")) {
                throw new ConfigException("turn.urls", "expected turn: or turns: URLs such as turn:turn.example:3478?transport=udp, got '" + u + "'");
            }
            TurnUrl.parse(u); // the port, too
        }
        if (!urls.isEmpty() && sharedSecret.getBytes(StandardCharsets.UTF_8).length < 16) {
            throw new ConfigException("turn.shared-secret", "must be at least 16 bytes when turn.urls is set"
                    + " (the same value as coturn's static-auth-secret; porta admin turn-config prints one)");
        }
        if (credentialTtl.compareTo(Duration.ofMinutes(5)) < 0 || credentialTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new ConfigException("turn.credential-ttl", "must be between 5m and 7d");
        }
    }

    public static TurnConfig off() {
        return new TurnConfig(List.of(), "", Duration.ofHours(12));
    }

    public static TurnConfig from(Config c) {
        if (!c.has("turn.urls")) {
            return off();
        }
        return new TurnConfig(c.list("turn.urls"), c.has("turn.shared-secret") ? c.string("turn.shared-secret") : "",
                c.duration("turn.credential-ttl"));
    }

    /** One entry of {@code turn.urls}, taken apart: scheme, host (brackets removed) and port (the scheme's default when absent). */
    public record TurnUrl(boolean tls, String host, int port) {
        private static final Pattern SHAPE = Pattern.compile("(turns?):(\\[[^\\]]+\\]|[^:?]+)(?::(\\d+))?");

        static TurnUrl parse(String url) {
            Matcher m = SHAPE.matcher(url);
            if (!m.lookingAt()) {
                throw new ConfigException("turn.urls", "expected turn: or turns: URLs such as turn:turn.example:3478?transport=udp, got '" + url + "'");
            }
            boolean tls = m.group(1).equals("turns");
            int port = m.group(3) == null ? (tls ? 5349 : 3478) : Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new ConfigException("turn.urls", "port out of range in '" + url + "'");
            }
            return new TurnUrl(tls, m.group(2).replace("[", "").replace("]", ""), port);
        }
    }

    /** {@link #urls} taken apart, in order. */
    public List<TurnUrl> parsedUrls() {
        return urls.stream().map(TurnUrl::parse).toList();
    }

    /**
     * The addresses of the hosts in {@link #urls}, resolved once: media arriving from them is relayed.
     * A name that does not resolve is left out (it only affects the transport metric).
     */
    public Set<InetAddress> relayAddresses() {
        Set<InetAddress> s = new HashSet<>();
        for (TurnUrl u : parsedUrls()) {
            try {
                s.addAll(List.of(InetAddress.getAllByName(u.host())));
            } catch (UnknownHostException e) {
                // not resolvable now: its relayed participants count as udp
            }
        }
        return Set.copyOf(s);
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }

    @Override
    public String toString() {
        return "TurnConfig[urls=" + urls + ", sharedSecret=(hidden), credentialTtl=" + credentialTtl + "]";
    }
}
