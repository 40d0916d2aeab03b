// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.RealCoturn;
import dev.porta.media.turn.CoturnConfig;
import dev.porta.server.RunningPorta;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tester end to end against a Porta in this JVM, kept tiny (three participants, a few
 * seconds): guests are minted and join over the calling protocol, connect ICE, DTLS and SRTP, publish
 * the recorded Opus and VP8 simulcast, receive each other, and the report is written. No timing
 * assertions: this machine is shared.
 */
class LoadTestSmokeTest {
    @TempDir
    Path out;

    @Test
    void threeSyntheticParticipantsJoinPublishReceiveAndTheReportIsWritten() throws Exception {
        try (RunningPorta porta = RunningPorta.start();
             PortaTarget target = PortaTarget.attach(porta.dataDir().resolve("demo.json"), ProcessHandle.current().pid(), true)) {
            Scenario scenario = new Scenario("smoke", 1, 3, 2, 3, 10, Duration.ofSeconds(4));
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            RunResult r = new LoadRun(target, scenario, RecordedMedia.load(),
                    new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

            assertThat(r.failures()).isEmpty();
            assertThat(r.joined()).isEqualTo(3);
            assertThat(r.packetsSent()).isPositive();
            assertThat(r.packetsReceived()).as("media forwarded to subscribers").isPositive();
            assertThat(r.joinToFirstMediaMs().count()).as("everyone received someone's media").isEqualTo(3);
            assertThat(r.delayP50Ms()).as("send-time tags survived forwarding").isPositive();
            assertThat(r.timeline()).isNotEmpty();
            assertThat(progress.toString(StandardCharsets.UTF_8)).contains("[porta]");

            Report.write(out, List.of(r), "smoke test", "LoadTestSmokeTest");
            System.out.println(Files.readString(out.resolve("report.md")));
            assertThat(Files.readString(out.resolve("report.json"))).as("the report says how it was made")
                    .contains("\"command\" : \"LoadTestSmokeTest\"").contains("\"commit\"").contains("\"machine\"");
            assertThat(Files.readString(out.resolve("report.md"))).contains("| porta | 3/3 |");
            assertThat(Files.readString(out.resolve("report.json"))).contains("\"joinToFirstMediaMs\"");
            assertThat(Files.size(out.resolve("report.png"))).isPositive();
        }
    }

    @Test
    void threeSyntheticParticipantsCarryTheirMediaOverIceTcp() throws Exception {
        try (RunningPorta porta = RunningPorta.start();
             PortaTarget target = PortaTarget.attach(porta.dataDir().resolve("demo.json"), ProcessHandle.current().pid(), true)) {
            Scenario scenario = new Scenario("smoke-tcp", 1, 3, 1, 3, 10, Duration.ofSeconds(8));
            RunResult r = new LoadRun(target, scenario, RecordedMedia.load(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true).run();

            assertThat(r.failures()).isEmpty();
            assertThat(r.joined()).isEqualTo(3);
            assertThat(r.packetsReceived()).as("media forwarded to subscribers over TCP").isPositive();
            assertThat(porta.server().mediaStats().tcp().get("accepted"))
                    .as("a connection per peer connection: 3 publish, 3 subscribe").isGreaterThanOrEqualTo(6L);
        }
    }

    /**
     * Through a real coturn: Porta (turn.urls, turn.shared-secret) hands each admitted participant TURN
     * credentials; the participants allocate relays on coturn with them, bind a channel to the SFU and
     * carry everything (ICE, DTLS, SRTP) as ChannelData. A relayed peer connection's socket talks only to
     * coturn, so media received at all came through it.
     */
    @Test
    void threeSyntheticParticipantsCarryTheirMediaThroughCoturn() throws Exception {
        String secret = "loadtest-smoke-secret-0123456789abcdef";
        int port = RealCoturn.freePort();
        int relay = RealCoturn.relayPortBase();
        String config = new CoturnConfig("porta.test", List.of("127.0.0.1"), port, 0, null, null, relay, relay + 50,
                List.of(), List.of("127.0.0.1")).render(secret);
        try (RealCoturn coturn = RealCoturn.start(port, config, "allow-loopback-peers");
             RunningPorta porta = RunningPorta.start(Map.of("turn.urls", "turn:127.0.0.1:" + port + "?transport=udp",
                     "turn.shared-secret", secret), Clock.systemUTC());
             PortaTarget target = PortaTarget.attach(porta.dataDir().resolve("demo.json"), ProcessHandle.current().pid(), true)) {
            Scenario scenario = new Scenario("smoke-relay", 1, 3, 1, 3, 10, Duration.ofSeconds(8));
            RunResult r = new LoadRun(target, scenario, RecordedMedia.load(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Transport.RELAY, coturn.pid()).run();

            assertThat(r.failures()).as("coturn's log:\n" + coturn.log()).isEmpty();
            assertThat(r.joined()).isEqualTo(3);
            assertThat(r.transport()).isEqualTo("relay");
            assertThat(r.packetsReceived()).as("media forwarded to subscribers").isPositive();
            assertThat(r.relayedPacketsReceived()).as("everything arrived as ChannelData from coturn")
                    .isGreaterThanOrEqualTo(r.packetsReceived());
            assertThat(r.relayCpuPercent()).as("coturn's CPU sampled from its process").isNotNaN();
        }
    }
}
