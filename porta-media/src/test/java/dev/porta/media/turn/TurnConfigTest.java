// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.common.ConfigException;
import dev.porta.media.api.IceServers;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnConfigTest {

    @Test
    void credentialsFollowCoturnsRestApiScheme() {
        TurnConfig c = new TurnConfig(List.of("turn:127.0.0.1:3478?transport=udp"), "0123456789abcdef", Duration.ofHours(1));
        IceServers s = new TurnCredentials(c, Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC)).issue("p-1");
        assertThat(s.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_700_003_600L));
        assertThat(s.servers().getFirst().username()).isEqualTo("1700003600:p-1");
        // base64(HMAC-SHA1("0123456789abcdef", "1700003600:p-1")), computed independently
        assertThat(s.servers().getFirst().credential()).isEqualTo(EXPECTED);
    }

    private static final String EXPECTED = "q5U08iIvTF9qob3Nxle3y5GajQw=";

    @Test
    void turnOffIssuesNothing() {
        assertThat(new TurnCredentials(TurnConfig.off(), Clock.systemUTC()).issue("p-1")).isNull();
    }

    @Test
    void aShortSecretOrAUrlThatIsNotTurnIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new TurnConfig(List.of("turn:t.example:3478"), "short", Duration.ofHours(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.shared-secret");
        assertThatThrownBy(() -> new TurnConfig(List.of("https://t.example"), "0123456789abcdef", Duration.ofHours(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.urls");
        assertThatThrownBy(() -> new TurnConfig(List.of("turn:t.example"), "0123456789abcdef", Duration.ofSeconds(10)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.credential-ttl");
    }

    @Test
    void theRelayAddressesAreTheHostsOfTheUrls() throws Exception {
        TurnConfig c = new TurnConfig(List.of("turn:[::1]:3478?transport=udp", "turns:127.0.0.1:443?transport=tcp"),
                "0123456789abcdef", Duration.ofHours(1));
        assertThat(c.relayAddresses()).containsExactlyInAnyOrder(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1"));
        assertThat(c.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void eachUrlNamesItsPortOrTheSchemesDefault() {
        TurnConfig c = new TurnConfig(List.of("turn:turn.example?transport=udp", "turns:turn.example", "turns:[2001:db8::1]:443?transport=tcp"),
                "0123456789abcdef", Duration.ofHours(1));
        assertThat(c.parsedUrls()).containsExactly(new TurnConfig.TurnUrl(false, "turn.example", 3478),
                new TurnConfig.TurnUrl(true, "turn.example", 5349), new TurnConfig.TurnUrl(true, "2001:db8::1", 443));
        assertThatThrownBy(() -> new TurnConfig(List.of("turn:turn.example:70000"), "0123456789abcdef", Duration.ofHours(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("turn.urls");
    }
}
