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

class TurnConfigCommandTest {

    private static String run(Path conf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"admin", "turn-config", "--config", conf.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void turnConfigPrintsTheCoturnConfigurationThatChecksPortasCredentials(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("porta.conf");
        Files.writeString(conf, """
                data.dir = %s
                http.public-host = meet.example.com
                media.bind-address = 10.0.0.5
                media.advertised-address = 10.0.0.5
                media.public-address = 203.0.113.7
                turn.urls = turn:meet.example.com:3478?transport=udp, turns:meet.example.com:443?transport=tcp
                turn.shared-secret = 0123456789abcdef0123456789abcdef
                """.formatted(dir));
        String out = run(conf);
        assertThat(out).contains("use-auth-secret\n", "static-auth-secret=0123456789abcdef0123456789abcdef\n",
                "realm=meet.example.com\n", "listening-port=3478\n", "tls-listening-port=443\n",
                "cert=/etc/letsencrypt/live/meet.example.com/fullchain.pem\n", "external-ip=203.0.113.7/10.0.0.5\n",
                "denied-peer-ip=10.0.0.0-10.255.255.255\n", "allowed-peer-ip=10.0.0.5\n");
    }

    @Test
    void withoutASecretItPrintsAFreshOneForBothSides(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("porta.conf");
        Files.writeString(conf, "data.dir = " + dir + "\n");
        String out = run(conf);
        String secret = out.replaceAll("(?s).*static-auth-secret=([0-9a-f]+)\n.*", "$1");
        assertThat(secret).hasSize(64);
        assertThat(out).contains("#   turn.shared-secret = " + secret + "\n").contains("no-tls\n");
    }
}
