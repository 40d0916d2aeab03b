// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.RequiredService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference side of the benchmark, kept tiny: Debian's Janus started on loopback with the generated
 * configuration, three synthetic participants in a VideoRoom publishing and receiving each other. Needs
 * the janus package and a C compiler (for the loopback preload library).
 */
class JanusSmokeTest {
    static final Path JANUS = Path.of("/usr/bin/janus");

    @TempDir
    Path work;

    @Test
    void threeSyntheticParticipantsPublishAndReceiveThroughJanusOnLoopback() throws Exception {
        RequiredService.require("janus", Files.isExecutable(JANUS) && Files.isExecutable(Path.of("/usr/bin/cc")),
                "apt-get install -y janus gcc");
        try (JanusTarget janus = JanusTarget.start(JANUS, work)) {
            Scenario scenario = new Scenario("smoke", 1, 3, 2, 3, 10, Duration.ofSeconds(4));
            RunResult r = new LoadRun(janus, scenario, RecordedMedia.load(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();

            assertThat(r.failures()).isEmpty();
            assertThat(r.joined()).isEqualTo(3);
            assertThat(r.packetsReceived()).as("media forwarded by Janus").isPositive();
            assertThat(r.delayP50Ms()).as("send-time tags survived forwarding").isPositive();
            assertThat(r.nodeInGeneratorProcess()).isFalse();
        }
        assertThat(Files.readString(work.resolve("janus/janus.transport.http.jcfg"))).contains("ip = \"127.0.0.1\"");
    }
}
