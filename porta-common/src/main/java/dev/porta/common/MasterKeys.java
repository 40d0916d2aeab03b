// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the master key that seals stored secrets comes from, in this order:
 * <ol>
 *   <li>the environment variable {@code PORTA_MASTER_KEY} (Base64 of 32 bytes), so the key can live in a
 *       secret manager and never on the disk next to the database;</li>
 *   <li>the file {@code secrets.master-key-file}, which must exist;</li>
 *   <li>otherwise {@code <data.dir>/keys/master.key}, generated (0600) on first start. This keeps a
 *       one-command start, but the key then sits beside the database: a copy of the whole data
 *       directory still reveals the secrets, only a copy of the database (or of a database backup)
 *       does not.</li>
 * </ol>
 * Earlier keys that only open (while rotating) come from {@code secrets.previous-master-key-files} and
 * {@code PORTA_PREVIOUS_MASTER_KEYS} (comma-separated Base64), plus {@code <key file>.new} when a
 * {@code porta admin rotate-master-key} was interrupted.
 */
public final class MasterKeys {
    public static final String ENV_KEY = "PORTA_MASTER_KEY";
    public static final String ENV_PREVIOUS = "PORTA_PREVIOUS_MASTER_KEYS";
    public static final String DEFAULT_FILE = "keys/master.key";
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);

    /** The resolved keys; {@code file} is empty when the key came from the environment. */
    public record Loaded(SecretBox box, MasterKey current, java.util.Optional<Path> file) { }

    private MasterKeys() { }

    public static Loaded load(Config config, Map<String, String> env, Path dataDir) {
        List<MasterKey> previous = new ArrayList<>();
        for (String f : config.list("secrets.previous-master-key-files")) {
            previous.add(read(Path.of(f), "secrets.previous-master-key-files"));
        }
        String envPrevious = env.getOrDefault(ENV_PREVIOUS, "");
        for (String k : envPrevious.isBlank() ? List.<String>of() : List.of(envPrevious.split("\\s*,\\s*"))) {
            previous.add(MasterKey.parse(k, ENV_PREVIOUS));
        }
        String fromEnv = env.getOrDefault(ENV_KEY, "");
        if (!fromEnv.isBlank()) {
            MasterKey key = MasterKey.parse(fromEnv, ENV_KEY);
            LOG.info("Stored secrets are sealed with master key {} from {}", key.id(), ENV_KEY);
            return new Loaded(new SecretBox(key, previous), key, java.util.Optional.empty());
        }
        Path file;
        MasterKey key;
        if (config.has("secrets.master-key-file")) {
            file = Path.of(config.string("secrets.master-key-file"));
            if (!Files.exists(file)) {
                throw new ConfigException("secrets.master-key-file", file.toAbsolutePath() + " does not exist. Create one with "
                        + "'porta admin generate-master-key --file " + file + "' (or: openssl rand -base64 32 > " + file
                        + "; chmod 600 " + file + "). Porta does not invent a key for a configured path.");
            }
            key = read(file, "secrets.master-key-file");
        } else {
            file = dataDir.resolve(DEFAULT_FILE);
            if (Files.exists(file)) {
                key = read(file, "secrets.master-key-file");
            } else {
                key = MasterKey.generate();
                PrivateFiles.write(file, (key.toBase64() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                LOG.warn("Generated master key {} into {}. It sits next to the database; for a database copy to reveal no "
                        + "secrets move it elsewhere (secrets.master-key-file) or supply it as {}.", key.id(),
                        file.toAbsolutePath(), ENV_KEY);
            }
        }
        Path interrupted = rotationFile(file);
        if (Files.exists(interrupted)) {
            LOG.warn("{} exists: a master-key rotation was interrupted; its key is accepted for opening and every stored "
                    + "secret is sealed again with {}. Run 'porta admin rotate-master-key' again to rotate.", interrupted, key.id());
            previous.add(read(interrupted, "secrets.master-key-file"));
        }
        LOG.info("Stored secrets are sealed with master key {} from {}", key.id(), file.toAbsolutePath());
        return new Loaded(new SecretBox(key, previous), key, java.util.Optional.of(file));
    }

    /** Where {@code porta admin rotate-master-key} puts the new key until the database is sealed with it. */
    public static Path rotationFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".new");
    }

    /** Reads a key file (Base64 text); the error names {@code configKey} and the file. */
    public static MasterKey read(Path file, String configKey) {
        try {
            if (PrivateFiles.posix()) {
                var perms = Files.getPosixFilePermissions(file);
                if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    LOG.warn("The master key file {} is readable by others ({}); chmod 600 it",
                            file.toAbsolutePath(), java.nio.file.attribute.PosixFilePermissions.toString(perms));
                }
            }
            return MasterKey.parse(Files.readString(file), configKey + " (" + file + ")");
        } catch (IOException e) {
            throw new ConfigException(configKey, "cannot read the master key file " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** Writes a new key file (0600); refuses to overwrite one. */
    public static void writeNew(Path file, MasterKey key) {
        if (Files.exists(file)) {
            throw new UncheckedIOException(new IOException(file.toAbsolutePath() + " exists; Porta never overwrites a master key"));
        }
        PrivateFiles.write(file, (key.toBase64() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
