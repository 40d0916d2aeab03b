// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import dev.porta.common.Database;
import dev.porta.common.DatabaseConfig;
import dev.porta.common.MasterKey;
import dev.porta.common.PrivateFiles;
import dev.porta.identity.TokenCheck;
import dev.porta.identity.TokenScope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * M9: what a local user or a copy of the database could read. The data directory is private to
 * Porta's user, and the access keys and private signing keys in the database are sealed with a master
 * key that the database does not hold.
 */
class SecretsAtRestTest {
    @TempDir
    Path tmp;

    private PortaServer start(Path data, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(Map.of("data.dir", data.toString(), "http.port", "0", "media.port", "0"));
        keys.putAll(more);
        return PortaServer.start(Config.load("porta.conf", null, Map.of()).with(keys), Clock.systemUTC());
    }

    @Test
    void anotherLocalUserCanReadNothingInTheDataDirectoryEvenWhatAnOlderVersionLeftOpen() throws Exception {
        assumeTrue(PrivateFiles.posix(), "file permissions are POSIX-only");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x")); // as umask 022 made it
        Path leftOpen = Files.writeString(data.resolve("demo.json"), "{\"from\":\"an older version\"}");
        Files.setPosixFilePermissions(leftOpen, PosixFilePermissions.fromString("rw-r--r--"));
        Path notPortas = Files.writeString(data.resolve("README.txt"), "someone else's file");
        Files.setPosixFilePermissions(notPortas, PosixFilePermissions.fromString("rw-r--r--"));

        try (PortaServer server = start(data, Map.of())) {
            DemoTenant.seed(server);
        }

        List<Path> all;
        try (Stream<Path> s = Files.walk(data)) {
            all = s.toList();
        }
        assertThat(all).contains(data.resolve("tls/porta.p12"), data.resolve("tls/porta.p12.password"), data.resolve("demo.json"),
                data.resolve("keys/master.key"), data.resolve("porta.mv.db"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(notPortas))).isEqualTo("rw-r--r--"); // not Porta's to change
        for (Path p : all.stream().filter(p -> !p.equals(notPortas)).toList()) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    @Test
    void theDatabaseHoldsNoAccessKeyAndNoPrivateSigningKeyInTheClear() throws Exception {
        Path data = tmp.resolve("data");
        String primaryKey;
        String secondaryKey;
        try (PortaServer server = start(data, Map.of())) {
            var resource = server.identities().resourceFor(DemoTenant.TENANT_ID);
            primaryKey = resource.primaryKey();
            secondaryKey = resource.secondaryKey();
        }
        String raw = rawSecrets(data);
        String keyId = MasterKey.parse(Files.readString(data.resolve("keys/master.key")), "test").id();

        assertThat(raw).doesNotContain(primaryKey).doesNotContain(secondaryKey).doesNotContain("\"d\"").doesNotContain("\"p\"");
        assertThat(raw.lines()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(v -> assertThat(v).startsWith("sealed:v1:" + keyId + ":"));
        // the whole database file, not only the columns: no key in the clear anywhere in it
        String file = new String(Files.readAllBytes(data.resolve("porta.mv.db")), StandardCharsets.ISO_8859_1);
        assertThat(file).doesNotContain(primaryKey).doesNotContain(secondaryKey);
    }

    @Test
    void aWrongMasterKeyStopsStartWithAClearMessageInsteadOfMintingNewKeys() throws Exception {
        Path data = tmp.resolve("data");
        try (PortaServer server = start(data, Map.of())) {
            DemoTenant.seed(server);
        }
        Path keyFile = data.resolve("keys/master.key");
        String rightId = MasterKey.parse(Files.readString(keyFile), "test").id();
        String before = rawSecrets(data);
        Files.writeString(keyFile, MasterKey.generate().toBase64()); // the key lost, another one in its place

        assertThatThrownBy(() -> start(data, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sealed with master key " + rightId).hasMessageContaining("not configured");
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"admin", "keys", "--data-dir", data.toString()}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("master key " + rightId).contains("secrets.master-key-file");
        assertThat(rawSecrets(data)).isEqualTo(before); // nothing replaced, nothing added
    }

    @Test
    void rotatingTheMasterKeySealsEverythingAgainAndTheOldKeyIsNoLongerNeeded() throws Exception {
        Path data = tmp.resolve("data");
        Issued issued = issueAToken(data, Map.of());
        String oldId = MasterKey.parse(Files.readString(data.resolve("keys/master.key")), "test").id();

        var out = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"admin", "rotate-master-key", "--data-dir", data.toString()}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        String newId = MasterKey.parse(Files.readString(data.resolve("keys/master.key")), "test").id();
        Path retired = data.resolve("keys/master.key.retired-" + oldId);
        assertThat(retired).exists();
        Files.delete(retired);

        assertThat(newId).isNotEqualTo(oldId);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(newId);
        assertThat(rawSecrets(data).lines()).allSatisfy(v -> assertThat(v).startsWith("sealed:v1:" + newId + ":"));
        assertStillWorks(data, Map.of(), issued);
    }

    @Test
    void startingWithANewKeyAndTheOldOneAsPreviousSealsEverythingWithTheNewKey() throws Exception {
        Path data = tmp.resolve("data");
        Issued issued = issueAToken(data, Map.of());
        Path oldKey = tmp.resolve("old.key");
        Files.move(data.resolve("keys/master.key"), oldKey);
        Path newKey = tmp.resolve("new.key");
        assertThat(Main.run(new String[] {"admin", "generate-master-key", "--file", newKey.toString(), "--data-dir", data.toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()), System.err)).isZero();
        String newId = MasterKey.parse(Files.readString(newKey), "test").id();

        start(data, Map.of("secrets.master-key-file", newKey.toString(), "secrets.previous-master-key-files", oldKey.toString())).close();
        Files.delete(oldKey);

        assertThat(rawSecrets(data).lines()).allSatisfy(v -> assertThat(v).startsWith("sealed:v1:" + newId + ":"));
        assertStillWorks(data, Map.of("secrets.master-key-file", newKey.toString()), issued);
        assertThat(data.resolve("keys/master.key")).doesNotExist(); // a configured key file: nothing generated beside the database
    }

    private record Issued(String connectionString, String token, String directoryJwks) { }

    private Issued issueAToken(Path data, Map<String, String> config) {
        try (PortaServer server = start(data, config)) {
            var resource = server.identities().resourceFor(DemoTenant.TENANT_ID);
            var id = server.identities().createIdentity(resource);
            String token = server.identities().issueToken(resource, id, Set.of(TokenScope.VOIP), Duration.ofHours(1)).orElseThrow().token();
            return new Issued(resource.connectionString("https://x/"), token, directoryJwks(server));
        }
    }

    private void assertStillWorks(Path data, Map<String, String> config, Issued issued) {
        try (PortaServer server = start(data, config)) {
            assertThat(server.identities().resourceFor(DemoTenant.TENANT_ID).connectionString("https://x/")).isEqualTo(issued.connectionString());
            assertThat(server.accessTokens().check(issued.token())).isInstanceOf(TokenCheck.Valid.class);
            assertThat(directoryJwks(server)).isEqualTo(issued.directoryJwks());
        }
    }

    private static String directoryJwks(PortaServer server) {
        try {
            var http = java.net.http.HttpClient.newBuilder().sslContext(trusting(server.certificatePem())).build();
            var tenant = DemoTenant.TENANT_ID;
            server.meetings().seedDemo();
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + tenant + "/discovery/v2.0/keys")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.SSLContext trusting(Path pem) throws Exception {
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("porta", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Every sealed column of the stopped server's embedded database, one value a line, read through JDBC. */
    static String rawSecrets(Path data) throws Exception {
        List<String> out = new ArrayList<>();
        try (Database db = Database.open(new DatabaseConfig(DatabaseConfig.h2File(data.resolve("porta")), "sa", "", 1, Duration.ofSeconds(5)));
             var c = db.connection(); var s = c.createStatement()) {
            for (String q : List.of("SELECT primary_key, secondary_key FROM identity_resource ORDER BY id",
                    "SELECT private_jwk FROM identity_signing_key ORDER BY key_id", "SELECT private_jwk FROM directory_signing_key ORDER BY key_id")) {
                try (var rs = s.executeQuery(q)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            out.add(rs.getString(i));
                        }
                    }
                }
            }
        }
        return String.join("\n", out);
    }
}
