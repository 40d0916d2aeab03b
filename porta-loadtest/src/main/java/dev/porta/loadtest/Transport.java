// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.Locale;

/** How synthetic participants' media reaches the SFU ({@code --transport}). */
enum Transport {
    /** Straight to the SFU's UDP host candidate. */
    UDP,
    /** An active TCP connection to the SFU's passive ICE-TCP candidate, RFC 4571 framing. */
    TCP,
    /** Through a TURN server (coturn) with the credentials Porta hands out on admission, ChannelData over UDP. */
    RELAY;

    static Transport parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "udp" -> UDP;
            case "tcp" -> TCP;
            case "relay" -> RELAY;
            default -> throw new IllegalArgumentException("--transport must be udp, tcp or relay, got '" + s + "'");
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
