// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Database;
import dev.porta.common.MasterKey;
import dev.porta.common.MasterKeys;
import dev.porta.common.PrivateFiles;
import dev.porta.common.SecretBox;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.identity.JdbcIdentityStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code porta admin generate-master-key} and {@code porta admin rotate-master-key}: the master key
 * that seals access keys and private signing keys in the database (docs/security.md).
 */
final class MasterKeyCommands {
    private MasterKeyCommands() { }

    /** Writes a new key file (0600) for {@code secrets.master-key-file}; never overwrites one. */
    static int generate(Map<String, String> options, PrintStream out) {
        String file = options.get("file");
        if (file == null || file.isBlank() || file.equals("true")) {
            throw new Main.UsageException("generate-master-key needs --file FILE");
        }
        MasterKey key = MasterKey.generate();
        try {
            MasterKeys.writeNew(Path.of(file), key);
        } catch (UncheckedIOException e) {
            throw new Main.UsageException(e.getCause().getMessage());
        }
        out.println("Wrote master key " + key.id() + " to " + Path.of(file).toAbsolutePath()
                + " (readable by this user only). Set secrets.master-key-file to it.");
        return 0;
    }

    /**
     * Seals every stored secret with a new key and makes it the key file's content. Order matters for a
     * crash at any point: the new key is written to {@code <file>.new} first (which the next start also
     * accepts), the database is sealed with it, the old key is copied aside, and only then does the new
     * key replace the file in one atomic move.
     */
    static int rotate(MasterKeys.Loaded keys, Database db, Clock clock, PrintStream out) {
        Path file = keys.file().orElseThrow(() -> new Main.UsageException("the master key comes from "
                + MasterKeys.ENV_KEY + ": rotate by moving it to " + MasterKeys.ENV_PREVIOUS + ", putting a new key "
                + "(openssl rand -base64 32) in " + MasterKeys.ENV_KEY + " and starting Porta (or any porta admin command) once; "
                + "then remove " + MasterKeys.ENV_PREVIOUS + "."));
        // Everything opens with the configured keys and is sealed with the current one (fails before any change otherwise).
        sealAll(db, keys.box(), clock);
        Path pending = MasterKeys.rotationFile(file);
        try {
            Files.deleteIfExists(pending); // an interrupted rotation's key: nothing is sealed with it any more
            MasterKey next = MasterKey.generate();
            MasterKeys.writeNew(pending, next);
            sealAll(db, new SecretBox(next, List.of(keys.current())), clock);
            Path retired = file.resolveSibling(file.getFileName() + ".retired-" + keys.current().id());
            PrivateFiles.write(retired, Files.readAllBytes(file));
            Files.move(pending, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println("Master key rotated: every stored secret is now sealed with " + next.id() + " (" + file.toAbsolutePath() + ").");
            out.println("The previous key " + keys.current().id() + " is kept as " + retired.toAbsolutePath()
                    + " for database backups made before now; delete it when they are gone. Porta no longer needs it.");
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("master key rotation failed; " + pending + " (if present) is accepted on the next start", e);
        }
    }

    /**
     * Before anything else uses the database on start: seals what an older version stored in the clear
     * (or under a previous master key), and stops start-up, closing the database, when a stored secret
     * does not open, before anything could generate replacement keys.
     */
    static void sealStoredSecrets(Database db, SecretBox box, Clock clock) {
        try {
            sealAll(db, box, clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Opening a store seals what is not sealed with the box's current key. */
    private static void sealAll(Database db, SecretBox box, Clock clock) {
        new JdbcIdentityStore(db, clock, box);
        new JdbcDirectoryStore(db, box);
    }
}
