// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.Config;
import dev.porta.identity.TokenCheck;
import dev.porta.identity.TokenScope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartAndAdminTest {

    private static PortaServer start(Path dir) {
        return PortaServer.start(Config.load("porta.conf", null, Map.of())
                .with(Map.of("data.dir", dir.toString(), "http.port", "0", "media.port", "0")), Clock.systemUTC());
    }

    @Test
    void demoIsSafeToRunTwiceAndIdentitiesTokensAndCertificateSurviveARestart(@TempDir Path dir) throws Exception {
        String connectionString;
        String token;
        String certificate;
        try (PortaServer first = start(dir)) {
            connectionString = DemoTenant.seed(first).connectionString();
            var resource = first.identities().resources().getFirst();
            var id = first.identities().createIdentity(resource);
            token = first.identities().issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();
            certificate = java.nio.file.Files.readString(first.certificatePem());
        }
        try (PortaServer second = start(dir)) {
            String again = DemoTenant.seed(second).connectionString();

            assertThat(again.replaceAll(":\\d+/", "/")).isEqualTo(connectionString.replaceAll(":\\d+/", "/"));
            assertThat(second.identities().resources()).hasSize(1);
            assertThat(second.accessTokens().check(token)).isInstanceOf(TokenCheck.Valid.class);
            assertThat(java.nio.file.Files.readString(second.certificatePem())).isEqualTo(certificate);
        }
    }

    @Test
    void adminPrintsAndRotatesTheAccessKeysAsJson(@TempDir Path dir) throws Exception {
        try (PortaServer server = start(dir)) {
            DemoTenant.seed(server);
        }
        JsonNode before = adminJson(dir, "admin", "keys", "--json");
        JsonNode after = adminJson(dir, "admin", "rotate-key", "secondary", "--json");

        assertThat(before.get("connectionString").asText()).contains("accesskey=" + before.get("primaryKey").asText());
        assertThat(after.get("primaryKey")).isEqualTo(before.get("primaryKey"));
        assertThat(after.get("secondaryKey")).isNotEqualTo(before.get("secondaryKey"));
    }

    @Test
    void adminManagesTheDirectoryAndTheMeetingPolicyAsJson(@TempDir Path dir) throws Exception {
        try (PortaServer server = start(dir)) {
            DemoTenant.seed(server);
        }
        String tenant = DemoTenant.TENANT_ID;

        JsonNode added = adminJsonWithStdin(dir, "correct horse battery\n", "admin", "member-add", "--tenant", tenant, "--upn", "kim@demo.example",
                "--name", "Kim", "--password-stdin", "--json");
        JsonNode members = adminJson(dir, "admin", "members", "--tenant", tenant, "--json");
        adminJson(dir, "admin", "meeting-policy-set", "--tenant", tenant, "--allow-anonymous-join", "false", "--json");
        JsonNode policy = adminJson(dir, "admin", "meeting-policy", "--tenant", tenant, "--json");

        assertThat(members.toString()).contains("kim@demo.example").contains(added.path("id").asText());
        assertThat(policy.toString()).contains("\"allowAnonymousJoin\":false");
    }

    @Test
    void badCommandsAndBadConfigExitWithCodeTwoAndAMessageNamingTheProblem(@TempDir Path dir) {
        var err = new ByteArrayOutputStream();
        var out = new ByteArrayOutputStream();

        int unknown = Main.run(new String[] {"frobnicate"}, new PrintStream(out), new PrintStream(err));
        int badPort = Main.run(new String[] {"admin", "keys", "--data-dir", dir.toString(), "--port", "eighty"},
                new PrintStream(out), new PrintStream(err));
        int noResource = Main.run(new String[] {"admin", "keys", "--data-dir", dir.toString()}, new PrintStream(out), new PrintStream(err));

        assertThat(unknown).isEqualTo(2);
        assertThat(badPort).isEqualTo(2);
        assertThat(noResource).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'")
                .contains("'http.port'").contains("run 'porta demo' first");
    }

    private static JsonNode adminJson(Path dir, String... args) throws Exception {
        return adminJsonWithStdin(dir, "", args);
    }

    /** Runs an admin command with {@code stdin} as standard input and parses its JSON output. */
    static JsonNode adminJsonWithStdin(Path dir, String stdin, String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--data-dir", dir.toString()))
                .toArray(String[]::new);
        assertThat(Main.run(all, new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out), System.err))
                .isZero();
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }
}
