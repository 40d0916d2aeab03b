// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.server.RunningPorta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two snippets of docs/deployment.md's "Behind a reverse proxy" section, as the tests that run Porta
 * behind a real HAProxy use them: the porta.conf keys and the haproxy.cfg.
 */
record DeploymentGuide(String portaConf, String haproxyCfg) {
    static DeploymentGuide read() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "deployment.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("## Behind a reverse proxy");
        assertThat(section).as("docs/deployment.md has the reverse-proxy section").isNotNegative();
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(section));
        while (m.find() && blocks.size() < 2) {
            blocks.add(m.group(1));
        }
        return new DeploymentGuide(blocks.get(0), blocks.get(1));
    }

    Map<String, String> proxiedPortaKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : portaConf.split("\n")) {
            if (!line.isBlank()) {
                String[] kv = line.split("=", 2);
                keys.put(kv[0].trim(), kv[1].trim());
            }
        }
        return keys;
    }

    /**
     * The guide's haproxy.cfg with only the test's own listening address and port, certificate, and
     * Porta's port and certificate put in.
     */
    String haproxyConfig(String bindAddress, int proxyPort, Path proxyPem, RunningPorta porta) {
        return new Swappable(haproxyCfg)
                .swap("bind :443 ", "bind " + bindAddress + ":" + proxyPort + " ")
                .swap("/etc/haproxy/meet.example.com.pem", proxyPem.toString())
                .swap("127.0.0.1:8443", "127.0.0.1:" + porta.server().port())
                .swap("/var/lib/porta/tls/porta-cert.pem", porta.certificatePem().toString())
                .text();
    }

    /** The guide's text with a few literals swapped, each of which must occur exactly once. */
    private record Swappable(String text) {
        Swappable swap(String literal, String replacement) {
            int at = text.indexOf(literal);
            assertThat(at).as("'" + literal + "' in the guide's haproxy.cfg").isNotNegative();
            assertThat(text.indexOf(literal, at + 1)).as("'" + literal + "' only once").isNegative();
            return new Swappable(text.replace(literal, replacement));
        }
    }
}
