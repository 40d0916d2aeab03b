// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What another local user could read: group and others' bits (the JVM runs with the umask it got, often 022). */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(PrivateFiles.posix(), "file permissions are POSIX-only");
    }

    @Test
    void newDirectoriesAre0700AndFilesPortaWritesAre0600() throws Exception {
        Path dir = tmp.resolve("data/tls");

        PrivateFiles.directory(dir);
        PrivateFiles.writeString(dir.resolve("porta.p12.password"), "secret");

        assertThat(mode(tmp.resolve("data"))).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("porta.p12.password"))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("porta.p12.password"))).isEqualTo("secret");
    }

    @Test
    void rewritingAWorldReadableFileMakesItPrivateBeforeTheNewContentLands() throws Exception {
        Path file = tmp.resolve("demo.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFiles.writeString(file, "new");

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("new");
    }

    @Test
    void tighteningTakesGroupAndOthersAccessAwayFromWhatOlderVersionsLeft() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data/tls"));
        Files.setPosixFilePermissions(tmp.resolve("data"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = Files.writeString(tmp.resolve("data/porta.mv.db"), "h2");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-rw-r--"));

        PrivateFiles.tighten(tmp.resolve("data"));

        assertThat(mode(tmp.resolve("data"))).isEqualTo("rwx------");
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
    }

    @Test
    void tighteningADataDirectoryLeavesWhatIsNotPortasAlone() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("shared"));
        Path ours = Files.writeString(data.resolve("porta.mv.db"), "h2");
        Path theirs = Files.writeString(data.resolve("notes.txt"), "not Porta's");
        Files.setPosixFilePermissions(ours, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFiles.tightenOwn(data, name -> name.startsWith("porta."));

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(ours)).isEqualTo("rw-------");
        assertThat(mode(theirs)).isEqualTo("rw-r--r--");
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
