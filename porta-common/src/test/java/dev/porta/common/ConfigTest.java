// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void userFileAndEnvironmentOverrideTheReferenceInThatOrder(@TempDir Path dir) throws Exception {
        Path user = dir.resolve("porta.conf");
        Files.writeString(user, "# mine\nsample.port = 9000\nsample.name = from-file\n");

        Config c = Config.load("test-reference.conf", user, Map.of("PORTA_SAMPLE_NAME", "from-env", "HOME", "/root"));

        assertThat(c.integer("sample.port")).isEqualTo(9000);
        assertThat(c.string("sample.name")).isEqualTo("from-env");
        assertThat(c.duration("sample.grace-period")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.bool("sample.enabled")).isTrue();
    }

    @Test
    void anUnknownKeyInTheUserFileFailsAndNamesTheKey(@TempDir Path dir) throws Exception {
        Path user = dir.resolve("porta.conf");
        Files.writeString(user, "sample.prot = 9000\n");

        assertThatThrownBy(() -> Config.load("test-reference.conf", user, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sample.prot");
    }

    @Test
    void invalidValuesFailWithTheKeyInTheMessage() {
        Config c = Config.of(Map.of("a.port", "eighty", "a.wait", "soon", "a.on", "maybe", "a.n", "7"));

        assertThatThrownBy(() -> c.integer("a.port")).hasMessageContaining("'a.port'").hasMessageContaining("eighty");
        assertThatThrownBy(() -> c.duration("a.wait")).hasMessageContaining("'a.wait'");
        assertThatThrownBy(() -> c.bool("a.on")).hasMessageContaining("'a.on'");
        assertThatThrownBy(() -> c.integer("a.n", 10, 20)).hasMessageContaining("between 10 and 20");
        assertThatThrownBy(() -> c.string("a.missing")).hasMessageContaining("'a.missing'");
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertThat(Config.envName("media.nack.enabled")).isEqualTo("PORTA_MEDIA_NACK_ENABLED");
        assertThat(Config.envName("signaling.max-frame-bytes")).isEqualTo("PORTA_SIGNALING_MAX_FRAME_BYTES");
    }
}
