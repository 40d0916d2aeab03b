// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {
    @TempDir
    Path data;

    private static Config config(String file, String previous) {
        return Config.of(Map.of("secrets.master-key-file", file, "secrets.previous-master-key-files", previous));
    }

    @Test
    void theFirstStartGeneratesAKeyFileOnlyItsOwnerCanReadAndLaterStartsReuseIt() throws Exception {
        var first = MasterKeys.load(config("", ""), Map.of(), data);
        var again = MasterKeys.load(config("", ""), Map.of(), data);

        Path file = data.resolve("keys/master.key");
        assertThat(first.file()).contains(file);
        assertThat(again.current().id()).isEqualTo(first.current().id());
        if (PrivateFiles.posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        }
    }

    @Test
    void theEnvironmentKeyWinsAndNoKeyFileIsWritten() {
        MasterKey key = MasterKey.generate();

        var loaded = MasterKeys.load(config("", ""), Map.of("PORTA_MASTER_KEY", key.toBase64()), data);

        assertThat(loaded.current().id()).isEqualTo(key.id());
        assertThat(loaded.file()).isEmpty();
        assertThat(data.resolve("keys/master.key")).doesNotExist();
    }

    @Test
    void aConfiguredKeyFileThatIsMissingStopsStartInsteadOfInventingAKey() {
        Path missing = data.resolve("elsewhere/master.key");

        assertThatThrownBy(() -> MasterKeys.load(config(missing.toString(), ""), Map.of(), data))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secrets.master-key-file").hasMessageContaining("does not exist");
        assertThat(missing).doesNotExist();
        assertThat(data.resolve("keys/master.key")).doesNotExist();
    }

    @Test
    void previousKeysFromFilesAndEnvironmentOpenWhatTheySealed() {
        MasterKey fromFile = MasterKey.generate();
        MasterKey fromEnv = MasterKey.generate();
        Path oldFile = data.resolve("old.key");
        MasterKeys.writeNew(oldFile, fromFile);

        var loaded = MasterKeys.load(config("", oldFile.toString()), Map.of("PORTA_PREVIOUS_MASTER_KEYS", fromEnv.toBase64()), data);

        for (MasterKey k : List.of(fromFile, fromEnv)) {
            String sealed = new SecretBox(k, List.of()).seal("s", "ctx");
            assertThat(loaded.box().open(sealed, "ctx")).isEqualTo("s");
        }
        assertThatThrownBy(() -> MasterKeys.writeNew(oldFile, MasterKey.generate())).hasMessageContaining("never overwrites");
    }
}
