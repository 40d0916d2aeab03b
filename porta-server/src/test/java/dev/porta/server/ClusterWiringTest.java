// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porta.cluster.TestRedis;
import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import dev.porta.common.MeetingPlacement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster.* keys of placement and the pages' connect-src, as ClusterWiring reads them. */
class ClusterWiringTest {

    private static ClusterWiring wiring(TestRedis redis, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(Map.of("cluster.redis-url", redis.url(), "cluster.redis-key-prefix", redis.prefix(),
                "cluster.node-id", "node-t"));
        all.putAll(keys);
        return new ClusterWiring(Config.load("porta.conf", null, Map.of()).with(all), Clock.systemUTC());
    }

    @Test
    void oneNodeServesEveryMeetingHereAndItsPagesConnectOnlyToThemselves() {
        try (var one = new ClusterWiring(Config.load("porta.conf", null, Map.of()), Clock.systemUTC())) {
            assertThat(one.placement().place("any")).isEqualTo(MeetingPlacement.HERE);
            assertThat(one.callingSocketSources()).isEmpty();
            assertThat(one.registry()).isEmpty();
        }
        assertThat(new SecurityHeaders(Duration.ZERO).headers().get("Content-Security-Policy")).contains("connect-src 'self';");
    }

    @Test
    void aClusterNodesPagesMayConnectToTheListedNodesOrElseToAnySecureSocket() {
        try (TestRedis redis = TestRedis.start();
             var listed = wiring(redis, Map.of("cluster.node-origins", "https://node1.example:8443, https://[2001:db8::1]:8443/"));
             var unlisted = wiring(redis, Map.of())) {
            assertThat(listed.callingSocketSources()).containsExactly("wss://node1.example:8443", "wss://[2001:db8::1]:8443");
            assertThat(new SecurityHeaders(Duration.ZERO, listed.callingSocketSources()).headers().get("Content-Security-Policy"))
                    .contains("connect-src 'self' wss://node1.example:8443 wss://[2001:db8::1]:8443; object-src 'none'");
            assertThat(unlisted.callingSocketSources()).containsExactly("wss:");
        }
    }

    @Test
    void originsAndNodeUrlsThatCouldBendThePolicyOrTheRedirectAreRefusedAtStart() {
        try (TestRedis redis = TestRedis.start()) {
            for (String bad : List.of("https://x.example; script-src *", "http://x.example", "https://x.example/path",
                    "https://user@x.example", "wss://x.example")) {
                assertThatThrownBy(() -> wiring(redis, Map.of("cluster.node-origins", bad)).close())
                        .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("cluster.node-origins");
            }
            for (String bad : List.of("http://node1.example/", "https://node1.example/?next=evil", "https://u:p@node1.example/", "node1")) {
                assertThatThrownBy(() -> wiring(redis, Map.of("cluster.node-url", bad)).close())
                        .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("cluster.node-url");
            }
            assertThatThrownBy(() -> wiring(redis, Map.of("cluster.heartbeat-interval", "5s", "cluster.lease", "6s")).close())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.lease");
        }
    }
}
