// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import java.time.Duration;

/**
 * The media plane's settings (keys under {@code media.} in the reference config).
 *
 * @param bindAddress        address the UDP socket binds
 * @param port               the one UDP port for all participants (0 picks a free one, for tests)
 * @param advertisedAddress  the address(es) put in ICE candidates, comma-separated, most preferred first
 * @param lastN              default number of participants whose camera video each subscriber receives
 * @param consentTimeout     a transport without a valid STUN check for this long has failed
 * @param connectTimeout     ICE + DTLS must complete within this after the first offer
 * @param startBitrate       initial send-side estimate per subscriber, bits/s
 * @param maxBitrate         cap of the per-subscriber estimate, bits/s
 * @param keyframeInterval   minimum time between keyframe requests to one publisher stream
 * @param nackCacheSize      packets kept per publisher video stream for retransmission
 * @param loops              media threads; loop i owns UDP port {@code port + i} (1 keeps a single port)
 */
public record MediaConfig(String bindAddress, int port, String advertisedAddress, int lastN, Duration consentTimeout,
                          Duration connectTimeout, long startBitrate, long maxBitrate, Duration keyframeInterval,
                          int nackCacheSize, int loops) {

    public MediaConfig {
        if (loops < 1 || loops > 64) {
            throw new IllegalArgumentException("media.loops must be 1..64");
        }
    }

    public static MediaConfig defaults() {
        return new MediaConfig("127.0.0.1", 10000, "127.0.0.1", 9, Duration.ofSeconds(30), Duration.ofSeconds(20),
                1_000_000, 5_000_000, Duration.ofMillis(300), 512, 1);
    }

    /**
     * Reads the {@code media.*} keys: bind-address, port, advertised-address, last-n, consent-timeout,
     * connect-timeout, start-bitrate, max-bitrate, keyframe-min-interval, nack-cache-size, loops (optional).
     */
    public static MediaConfig from(dev.porta.common.Config c) {
        return new MediaConfig(c.string("media.bind-address"), c.integer("media.port", 0, 65535),
                c.string("media.advertised-address"), c.integer("media.last-n", 0, 1000),
                c.duration("media.consent-timeout"), c.duration("media.connect-timeout"),
                c.integer("media.start-bitrate", 50_000, 100_000_000), c.integer("media.max-bitrate", 100_000, 1_000_000_000),
                c.duration("media.keyframe-min-interval"), c.integer("media.nack-cache-size", 16, 8192),
                c.has("media.loops") ? c.integer("media.loops", 1, 64) : 1);
    }

    public MediaConfig withPort(int p) {
        return new MediaConfig(bindAddress, p, advertisedAddress, lastN, consentTimeout, connectTimeout, startBitrate,
                maxBitrate, keyframeInterval, nackCacheSize, loops);
    }

    public MediaConfig withLoops(int n) {
        return new MediaConfig(bindAddress, port, advertisedAddress, lastN, consentTimeout, connectTimeout, startBitrate,
                maxBitrate, keyframeInterval, nackCacheSize, n);
    }

    public MediaConfig withLastN(int n) {
        return new MediaConfig(bindAddress, port, advertisedAddress, n, consentTimeout, connectTimeout, startBitrate,
                maxBitrate, keyframeInterval, nackCacheSize, loops);
    }
}
