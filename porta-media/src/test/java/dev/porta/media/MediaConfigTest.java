// SPDX-License-Identifier: Apache-2.0
package dev.porta.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaConfigTest {
    static Map<String, String> keys() {
        Map<String, String> m = new HashMap<>();
        m.put("media.bind-address", "0.0.0.0");
        m.put("media.port", "10000");
        m.put("media.advertised-address", "203.0.113.7");
        m.put("media.last-n", "9");
        m.put("media.consent-timeout", "30s");
        m.put("media.connect-timeout", "20s");
        m.put("media.start-bitrate", "1000000");
        m.put("media.max-bitrate", "5000000");
        m.put("media.keyframe-min-interval", "300ms");
        m.put("media.nack-cache-size", "512");
        return m;
    }

    @Test
    void readsTypedValuesFromTheMediaSection() {
        MediaConfig c = MediaConfig.from(Config.of(keys()));
        assertThat(c.advertisedAddresses()).containsExactly("203.0.113.7");
        assertThat(c.tcpPort()).as("ICE-TCP on the UDP port's number unless configured").isEqualTo(10000);
        Map<String, String> off = keys();
        off.put("media.tcp-port", "off");
        assertThat(MediaConfig.from(Config.of(off)).tcpPort()).isEqualTo(-1);
        assertThat(c.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.keyframeInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.lastN()).isEqualTo(9);
        assertThat(c.loops()).isEqualTo(1);
        Map<String, String> m = keys();
        m.put("media.loops", "2");
        assertThat(MediaConfig.from(Config.of(m)).loops()).isEqualTo(2);
    }

    @Test
    void bindAdvertisedAndPublicAddressesAreListsOfIpv4AndIpv6Literals() {
        Map<String, String> m = keys();
        m.put("media.bind-address", "10.0.0.5, fd00::5");
        m.put("media.advertised-address", "");
        m.put("media.public-address", "203.0.113.7, 2001:db8::7");
        m.put("media.tcp-port", "4443");
        MediaConfig c = MediaConfig.from(Config.of(m));
        assertThat(c.bindAddresses()).containsExactly("10.0.0.5", "fd00::5");
        assertThat(c.candidateAddresses()).as("no advertised addresses: the bind addresses").containsExactly("10.0.0.5", "fd00::5");
        assertThat(c.publicAddresses()).containsExactly("203.0.113.7", "2001:db8::7");
        assertThat(c.tcpPort()).isEqualTo(4443);
    }

    @Test
    void aWildcardBindAddressWithoutAdvertisedAddressesIsRefusedNamingTheKey() {
        Map<String, String> m = keys();
        m.put("media.advertised-address", "");
        assertThatThrownBy(() -> MediaConfig.from(Config.of(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("media.advertised-address");
    }

    @Test
    void aHostNameIsRefusedWhereAnAddressBelongs() {
        Map<String, String> m = keys();
        m.put("media.public-address", "porta.example.com");
        assertThatThrownBy(() -> MediaConfig.from(Config.of(m))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("media.public-address");
    }

    @Test
    void outOfRangePortFailsFast() {
        Map<String, String> m = keys();
        m.put("media.port", "70000");
        assertThatThrownBy(() -> MediaConfig.from(Config.of(m))).isInstanceOf(RuntimeException.class);
    }
}
