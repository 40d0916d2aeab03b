// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second Porta on the same machine: a taken HTTP or media port stops {@code serve} with one line
 * naming the key (no stack trace), and {@code porta demo} takes a free media port instead.
 */
class PortsTakenTest {

    private record Run(int code, String out, String err) { }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTakenHttpPortStopsStartUpWithOneLineNamingTheKey(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run("serve", "--data-dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()), "--media-port", "0");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("porta: config key 'http.port': TCP port " + taken.getLocalPort())
                    .doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void aTakenMediaPortStopsServeWithOneLineNamingTheKey(@TempDir Path dir) throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Run r = run("serve", "--data-dir", dir.toString(), "--port", "0", "--media-port", Integer.toString(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("porta: config key 'media.port': UDP port " + taken.getLocalPort())
                    .doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void aSecondDemoTakesAFreeMediaPortWhenTheConfiguredOneIsTaken(@TempDir Path dir) throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = taken.getLocalPort();
            Config config = Config.load("porta.conf", null, Map.of())
                    .with(Map.of("data.dir", dir.toString(), "http.port", "0", "media.port", Integer.toString(port)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PortaServer server = Main.start(config, true, new PrintStream(out, true, StandardCharsets.UTF_8))) {
                assertThat(server.mediaPort()).isPositive().isNotEqualTo(port);
                assertThat(server.mediaTcpPort()).as("ICE-TCP follows it").isPositive();
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("media.port").contains("free media port");
            }
        }
    }
}
