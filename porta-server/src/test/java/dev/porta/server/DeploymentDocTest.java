// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/deployment.md shows the coturn configuration that porta admin turn-config prints for its example. */
class DeploymentDocTest {

    @Test
    void theCoturnConfigurationInTheDeploymentGuideIsWhatTurnConfigPrintsForItsExample(@TempDir Path dir) throws Exception {
        String address = DeploymentDoc.blocks(Path.of(".."), "## Addresses").get(0);
        String coturn = DeploymentDoc.blocks(Path.of(".."), "## TURN (coturn)").get(0);
        String example = address.replace("data.dir = /var/lib/porta", "data.dir = " + dir);
        Path conf = dir.resolve("porta.conf");
        Files.writeString(conf, example);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"admin", "turn-config", "--config", conf.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        assertThat(coturn).isEqualTo(out.toString(StandardCharsets.UTF_8));
    }
}
