// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.directory.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L9 and L10: stale demo redirect URIs, short API secrets, passwords on command lines. */
class WeakSecretsTest {
    @TempDir
    Path dir;

    @Test
    void theDemoWebAppForgetsTheRedirectUriOfAnEarlierRunWhosePortAnotherProgramMayNowHold() {
        try (RunningPorta porta = RunningPorta.start()) {
            var directory = porta.server().meetings().directory();
            var tenant = new TenantId(DemoTenant.TENANT_ID);
            var webApp = directory.apps(tenant).stream().filter(a -> a.displayName().equals(DemoTenant.WEB_APP_NAME)).findFirst().orElseThrow();
            String current = porta.server().webApp().redirectUri();
            // what an earlier run on another port left registered (older versions kept up to 10)
            directory.setRedirectUris(tenant, webApp.clientId(), List.of("https://localhost:18443/app/", current));

            DemoTenant.seed(porta.server()); // porta demo run again

            var after = directory.apps(tenant).stream().filter(a -> a.clientId().equals(webApp.clientId())).findFirst().orElseThrow();
            // this run's addresses only: the members' app and the admin console (/admin/)
            assertThat(after.redirectUris()).containsExactly(current, porta.server().webApp().consoleRedirectUri());
        }
    }

    @Test
    void aShortAdminKeyOrMetricsTokenStopsEveryCommandNamingTheKey() throws Exception {
        for (String key : List.of("directory.admin-key", "http.metrics-token")) {
            Path conf = Files.writeString(dir.resolve(key + ".conf"), key + " = hunter2-hunter2\n");
            var err = new ByteArrayOutputStream();

            int code = run(err, "admin", "tenants", "--config", conf.toString(), "--data-dir", dir.resolve("data").toString());

            assertThat(code).as(key).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("'" + key + "'").contains("at least 32 bytes");
        }
        Path ok = Files.writeString(dir.resolve("ok.conf"), "directory.admin-key = 6q3gN1x0pQ2vYc8dWm4Z7rT9sK5hJ1bL0aE3fU8iO2w=\n");
        assertThat(run(new ByteArrayOutputStream(), "admin", "tenants", "--config", ok.toString(), "--data-dir",
                dir.resolve("data").toString())).isZero();
    }

    @Test
    void aMemberPasswordIsReadFromStandardInputNeverFromTheCommandLine() throws Exception {
        Path data = dir.resolve("data");
        try (var server = PortaServer.start(dev.porta.common.Config.load("porta.conf", null, java.util.Map.of())
                .with(java.util.Map.of("data.dir", data.toString(), "http.port", "0", "media.port", "0")), java.time.Clock.systemUTC())) {
            DemoTenant.seed(server);
        }
        var err = new ByteArrayOutputStream();

        int onCommandLine = run(err, "admin", "member-add", "--tenant", DemoTenant.TENANT_ID, "--upn", "kim@demo.example", "--name", "Kim",
                "--password", "visible in ps", "--data-dir", data.toString());
        var members = new ByteArrayOutputStream();
        run(new ByteArrayOutputStream(), members, "", "admin", "members", "--tenant", DemoTenant.TENANT_ID, "--json", "--data-dir", data.toString());

        assertThat(onCommandLine).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--password-stdin");
        assertThat(members.toString(StandardCharsets.UTF_8)).doesNotContain("kim@demo.example");
        assertThat(run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "correct horse battery staple\n", "admin", "member-add",
                "--tenant", DemoTenant.TENANT_ID, "--upn", "kim@demo.example", "--name", "Kim", "--password-stdin", "--data-dir",
                data.toString())).isZero();
    }

    private static int run(ByteArrayOutputStream err, String... args) {
        return run(err, new ByteArrayOutputStream(), "", args);
    }

    private static int run(ByteArrayOutputStream err, ByteArrayOutputStream out, String stdin, String... args) {
        return Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
