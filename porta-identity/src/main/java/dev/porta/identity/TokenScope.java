// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.util.Arrays;
import java.util.Optional;

/** The ACS token scopes. {@code voip} lets a guest join meetings; the {@code *.join} scopes are the tighter grants. */
public enum TokenScope {
    CHAT("chat"), VOIP("voip"), CHAT_JOIN("chat.join"), CHAT_JOIN_LIMITED("chat.join.limited"), VOIP_JOIN("voip.join");

    private final String wire;

    TokenScope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<TokenScope> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst();
    }

    /** True for scopes that let the holder join a call or meeting. */
    public boolean allowsCalling() {
        return this == VOIP || this == VOIP_JOIN;
    }
}
