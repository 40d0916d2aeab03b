// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.turn.CoturnConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The TURN relay for {@code --transport relay}: Debian's coturn ({@code turnserver}) started on 127.0.0.1
 * with the configuration {@code porta admin turn-config} renders (porta-media's {@link CoturnConfig}),
 * plus what running on loopback needs (relay from 127.0.0.1, loopback peers allowed: Porta's media
 * address is 127.0.0.1 here), and stopped with the run. Its process id lets the run measure its CPU.
 */
final class CoturnProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String secret;

    private CoturnProcess(Process process, int port, String secret) {
        this.process = process;
        this.port = port;
        this.secret = secret;
    }

    static CoturnProcess start(Path turnserver, Path workDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(turnserver)) {
            throw new IllegalArgumentException("--transport relay needs coturn: " + turnserver
                    + " is missing (apt-get install coturn, or --turnserver FILE)");
        }
        Path dir = Files.createDirectories(workDir.resolve("coturn"));
        int port = freePort();
        int relayBase = 49160;
        byte[] s = new byte[24];
        new SecureRandom().nextBytes(s);
        String secret = HexFormat.of().formatHex(s);
        String config = new CoturnConfig("porta.loadtest", List.of("127.0.0.1"), port, 0, null, null, relayBase, relayBase + 999,
                List.of(), List.of("127.0.0.1")).render(secret)
                + "relay-ip=127.0.0.1\nallow-loopback-peers\npidfile=" + dir.resolve("turnserver.pid")
                + "\nuserdb=" + dir.resolve("turndb") + "\nlog-file=stdout\nsimple-log\n";
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, config);
        Process p = ServerProcesses.start(new ProcessBuilder(turnserver.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()));
        CoturnProcess coturn = new CoturnProcess(p, port, secret);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!bound(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                coturn.close();
                throw new IOException("coturn did not start; see " + dir.resolve("turnserver.log"));
            }
            Thread.sleep(100);
        }
        return coturn;
    }

    long pid() {
        return process.pid();
    }

    /** The turn.* keys that make Porta hand out credentials for this coturn, as environment variables. */
    Map<String, String> portaEnvironment() {
        return Map.of("PORTA_TURN_URLS", "turn:127.0.0.1:" + port + "?transport=udp", "PORTA_TURN_SHARED_SECRET", secret);
    }

    private static boolean bound(int port) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return false;
        } catch (BindException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 ServerSocket t = new ServerSocket(u.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return u.getLocalPort();
            } catch (BindException taken) {
                // TCP side taken: another
            }
        }
        throw new IOException("no free port for coturn");
    }

    @Override
    public void close() {
        ServerProcesses.stop(process);
    }
}
