// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import dev.porta.common.ConfigException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The media plane's settings (keys under {@code media.} in the reference config).
 *
 * @param bindAddresses      local addresses the media sockets bind, IPv4 and/or IPv6: one UDP socket (and
 *                           one ICE-TCP listener) per address, all on the same ports
 * @param port               the one UDP port for all participants (0 picks a free one)
 * @param advertisedAddresses addresses put in host candidates, most preferred first; empty means the bind
 *                           addresses themselves (a wildcard bind address needs them set)
 * @param publicAddresses    addresses that reach this host through a 1:1 NAT (a cloud VM's public IP): each
 *                           becomes a server-reflexive candidate beside the host ones
 * @param tcpPort            the ICE-TCP port (RFC 6544 passive candidates, RFC 4571 framing); 0 picks a
 *                           free one, -1 turns ICE-TCP off (config: blank = the UDP port's number, "off")
 * @param lastN              default number of participants whose camera video each subscriber receives
 * @param consentTimeout     a transport without a valid STUN check for this long has failed
 * @param connectTimeout     ICE + DTLS must complete within this after the first offer
 * @param startBitrate       initial send-side estimate per subscriber, bits/s
 * @param maxBitrate         cap of the per-subscriber estimate, bits/s
 * @param keyframeInterval   minimum time between keyframe requests to one publisher stream
 * @param nackCacheSize      packets kept per publisher video stream for retransmission
 * @param loops              media threads; loop i owns UDP port {@code port + i} (1 keeps a single port)
 * @param tcp                the bounds of the ICE-TCP listener
 */
public record MediaConfig(List<String> bindAddresses, int port, List<String> advertisedAddresses,
                          List<String> publicAddresses, int tcpPort, int lastN, Duration consentTimeout,
                          Duration connectTimeout, long startBitrate, long maxBitrate, Duration keyframeInterval,
                          int nackCacheSize, int loops, IceTcpLimits tcp) {

    public MediaConfig {
        if (loops < 1 || loops > 64) {
            throw new IllegalArgumentException("media.loops must be 1..64");
        }
        bindAddresses = List.copyOf(bindAddresses);
        advertisedAddresses = List.copyOf(advertisedAddresses);
        publicAddresses = List.copyOf(publicAddresses);
        if (bindAddresses.isEmpty()) {
            throw new ConfigException("media.bind-address", "needs at least one address");
        }
        for (String a : bindAddresses) {
            literal("media.bind-address", a);
        }
        for (String a : advertisedAddresses) {
            literal("media.advertised-address", a);
        }
        for (String a : publicAddresses) {
            literal("media.public-address", a);
        }
        if (advertisedAddresses.isEmpty()) {
            for (String a : bindAddresses) {
                if (literal("media.bind-address", a).isAnyLocalAddress()) {
                    throw new ConfigException("media.advertised-address",
                            "must be set when media.bind-address is a wildcard (" + a + "): browsers cannot send to it");
                }
            }
        }
        if (tcpPort < -1 || tcpPort > 65535) {
            throw new ConfigException("media.tcp-port", "must be -1 (off), 0 (a free port) or a port number");
        }
    }

    /**
     * An IP literal (never a host name: resolving one at start-up would make candidates depend on DNS).
     */
    private static InetAddress literal(String key, String a) {
        if (a.isBlank() || !(a.indexOf(':') >= 0 || a.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch)))) {
            throw new ConfigException(key, "expected IP addresses (IPv4 or IPv6 literals), got '" + a + "'");
        }
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException(key, "not an IP address: '" + a + "'");
        }
    }

    public static MediaConfig defaults() {
        return new MediaConfig(List.of("127.0.0.1"), 10000, List.of("127.0.0.1"), List.of(), -1, 9,
                Duration.ofSeconds(30), Duration.ofSeconds(20), 1_000_000, 5_000_000, Duration.ofMillis(300), 512, 1,
                IceTcpLimits.defaults());
    }

    /**
     * Reads the {@code media.*} keys: bind-address, port, advertised-address, last-n, consent-timeout,
     * connect-timeout, start-bitrate, max-bitrate, keyframe-min-interval, nack-cache-size, and the optional
     * loops, public-address, tcp-port and tcp-* bounds.
     */
    public static MediaConfig from(dev.porta.common.Config c) {
        int port = c.integer("media.port", 0, 65535);
        return new MediaConfig(c.list("media.bind-address"), port,
                c.list("media.advertised-address"),
                c.has("media.public-address") ? c.list("media.public-address") : List.of(),
                tcpPort(c, port),
                c.integer("media.last-n", 0, 1000),
                c.duration("media.consent-timeout"), c.duration("media.connect-timeout"),
                c.integer("media.start-bitrate", 50_000, 100_000_000), c.integer("media.max-bitrate", 100_000, 1_000_000_000),
                c.duration("media.keyframe-min-interval"), c.integer("media.nack-cache-size", 16, 8192),
                c.has("media.loops") ? c.integer("media.loops", 1, 64) : 1, IceTcpLimits.from(c));
    }

    /** {@code media.tcp-port}: blank (or absent) follows the UDP port number, {@code off} turns ICE-TCP off. */
    private static int tcpPort(dev.porta.common.Config c, int udpPort) {
        if (!c.has("media.tcp-port")) {
            return udpPort;
        }
        if (c.string("media.tcp-port").equalsIgnoreCase("off")) {
            return -1;
        }
        return c.integer("media.tcp-port", 0, 65535);
    }

    /** The addresses put in candidates: the advertised ones, or else the bind addresses. */
    public List<String> candidateAddresses() {
        return advertisedAddresses.isEmpty() ? bindAddresses : advertisedAddresses;
    }

    public MediaConfig withPort(int p) {
        return new MediaConfig(bindAddresses, p, advertisedAddresses, publicAddresses, tcpPort, lastN, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, loops, tcp);
    }

    public MediaConfig withTcpPort(int p) {
        return new MediaConfig(bindAddresses, port, advertisedAddresses, publicAddresses, p, lastN, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, loops, tcp);
    }

    public MediaConfig withTcpLimits(IceTcpLimits l) {
        return new MediaConfig(bindAddresses, port, advertisedAddresses, publicAddresses, tcpPort, lastN, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, loops, l);
    }

    /** Bind, advertised and 1:1 NAT public addresses at once. */
    public MediaConfig withAddresses(List<String> bind, List<String> advertised, List<String> pub) {
        return new MediaConfig(bind, port, advertised, pub, tcpPort, lastN, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, loops, tcp);
    }

    public MediaConfig withLoops(int n) {
        return new MediaConfig(bindAddresses, port, advertisedAddresses, publicAddresses, tcpPort, lastN, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, n, tcp);
    }

    public MediaConfig withLastN(int n) {
        return new MediaConfig(bindAddresses, port, advertisedAddresses, publicAddresses, tcpPort, n, consentTimeout,
                connectTimeout, startBitrate, maxBitrate, keyframeInterval, nackCacheSize, loops, tcp);
    }
}
