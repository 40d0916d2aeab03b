// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressKeyTest {

    @Test
    void anIpv6HostHoppingWithinItsSlash64StaysOneClient() {
        assertThat(AddressKey.of("2001:db8:1:2::1")).isEqualTo(AddressKey.of("2001:db8:1:2:ffff:ffff:ffff:fffe"))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(AddressKey.of("2001:db8:1:3::1")).isNotEqualTo(AddressKey.of("2001:db8:1:2::1"));
    }

    @Test
    void ipv4AndOtherTextAreTheirOwnKeys() {
        assertThat(AddressKey.of("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(AddressKey.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(AddressKey.of("unknown")).isEqualTo("unknown");
        assertThat(AddressKey.of(null)).isEqualTo("null");
    }
}
