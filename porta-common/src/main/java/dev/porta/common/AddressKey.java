// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The key a per-address rate limit counts a client under. An IPv4 client is its address; an IPv6
 * client is its /64 network, because one host is routinely given a whole /64 and could otherwise
 * take a fresh allowance from each of its 2^64 addresses.
 */
public final class AddressKey {
    private AddressKey() {
    }

    /** The limiter key for a client address literal; anything that is not a literal is used as given. */
    public static String of(String address) {
        InetAddress a = address == null ? null : TrustedProxies.literal(address);
        if (!(a instanceof Inet6Address)) {
            return a == null ? String.valueOf(address) : a.getHostAddress();
        }
        byte[] b = a.getAddress();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            s.append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF))).append(':');
        }
        return s.append(":/64").toString();
    }
}
