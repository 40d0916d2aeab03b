// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7"),
            TrustedProxies.Header.X_FORWARDED_FOR);

    @Test
    void anUntrustedPeerCannotNameAnotherClient() {
        assertThat(proxies.client(ip("198.51.100.9"), List.of("203.0.113.5"))).isEqualTo(ip("198.51.100.9"));
        assertThat(TrustedProxies.none().client(ip("127.0.0.1"), List.of("203.0.113.5"))).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void aTrustedProxyNamesTheRightmostHopThatIsNotAProxy() {
        // The client wrote "6.6.6.6" itself; its own address was appended by the first proxy.
        assertThat(proxies.client(ip("10.1.1.1"), List.of("6.6.6.6, 203.0.113.5, 10.2.2.2"))).isEqualTo(ip("203.0.113.5"));
        assertThat(proxies.client(ip("192.0.2.7"), List.of("6.6.6.6", "203.0.113.5:4711"))).isEqualTo(ip("203.0.113.5"));
        assertThat(proxies.client(ip("fd00::1"), List.of("[2001:db8::17]:443"))).isEqualTo(ip("2001:db8::17"));
    }

    @Test
    void withoutAReadableHopTheLastTrustedProxyIsTheClient() {
        assertThat(proxies.client(ip("10.1.1.1"), List.of())).isEqualTo(ip("10.1.1.1"));
        assertThat(proxies.client(ip("10.1.1.1"), List.of("203.0.113.5, unknown"))).isEqualTo(ip("10.1.1.1"));
        assertThat(proxies.client(ip("10.1.1.1"), List.of("evil.example.com"))).isEqualTo(ip("10.1.1.1"));
    }

    @Test
    void theForwardedHeaderIsReadOnlyWhenChosen() {
        TrustedProxies rfc7239 = TrustedProxies.of(List.of("10.0.0.0/8"), TrustedProxies.Header.FORWARDED);

        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=6.6.6.6, for=\"[2001:db8::1]:80\";proto=https;by=10.1.1.1")))
                .isEqualTo(ip("2001:db8::1"));
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=_hidden"))).isEqualTo(ip("10.1.1.1"));
    }

    @Test
    void entriesMustBeAddressesOrRanges() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com"), TrustedProxies.Header.X_FORWARDED_FOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.example.com");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"), TrustedProxies.Header.X_FORWARDED_FOR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TrustedProxies.literal("999.1.1.1")).isNull();
        assertThat(TrustedProxies.literal(":::::")).isNull();
    }

    private static InetAddress ip(String literal) {
        return TrustedProxies.literal(literal);
    }
}
