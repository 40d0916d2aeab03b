// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files only this user may read: Porta's data directory holds keys, passwords and the database, so it
 * is created 0700 and every file Porta writes into it 0600, whatever the process umask. The JVM cannot
 * set a umask, so files that a library creates (H2's database files) are protected by the directory
 * and tightened by {@link #tighten} once they exist. On file systems without POSIX permissions
 * (Windows) these calls only create and write.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final int MAX_DEPTH = 4;

    private PrivateFiles() { }

    /** Creates {@code dir} and missing parents; the directory itself (new or not) ends up 0700. */
    public static Path directory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (posix()) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
                } else {
                    Files.createDirectories(dir);
                }
            } else if (posix() && Files.getPosixFilePermissions(dir).stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                LOG.warn("Tightened the permissions of {} from {} to rwx------ (only Porta's user may read its data)",
                        dir.toAbsolutePath(), PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            }
            restrict(dir, DIR);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private directory " + dir.toAbsolutePath(), e);
        }
    }

    /** Writes {@code bytes} to {@code file} (replacing it), readable and writable by this user only. */
    public static void write(Path file, byte[] bytes) {
        try {
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                directory(file.getParent());
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                if (posix()) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
                } else {
                    Files.createFile(file);
                }
            }
            restrict(file, FILE); // before writing, so the new content is never readable by others
            Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
        }
    }

    public static void writeString(Path file, String text) {
        write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Takes group and others' access away from what Porta keeps in {@code dataDir}: the directory itself
     * and, in it, the entries {@code owned} accepts by name (with everything under them). Only Porta's own
     * entries, because data.dir may be a folder that holds other things too.
     */
    public static void tightenOwn(Path dataDir, java.util.function.Predicate<String> owned) {
        if (!posix() || !Files.isDirectory(dataDir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        directory(dataDir);
        try (Stream<Path> children = Files.list(dataDir)) {
            children.filter(p -> owned.test(p.getFileName().toString())).forEach(PrivateFiles::tighten);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataDir.toAbsolutePath(), e);
        }
    }

    /**
     * Takes group and others' access away from {@code root} and everything under it (files and folders of
     * older versions, or created by a library), logging each change. Symbolic links are not followed.
     */
    public static void tighten(Path root) {
        if (!posix() || Files.isSymbolicLink(root) || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root, MAX_DEPTH)) {
            all.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                try {
                    Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    if (now.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                        Set<PosixFilePermission> tight = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR : FILE;
                        Files.setPosixFilePermissions(p, tight);
                        LOG.warn("Tightened the permissions of {} from {} to {} (only Porta's user may read its data)",
                                p.toAbsolutePath(), PosixFilePermissions.toString(now), PosixFilePermissions.toString(tight));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot restrict the permissions of " + p.toAbsolutePath(), e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + root.toAbsolutePath(), e);
        }
    }

    /** Whether this file system has POSIX permissions (false on Windows). */
    public static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void restrict(Path p, Set<PosixFilePermission> wanted) throws IOException {
        if (posix() && !Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(wanted)) {
            Files.setPosixFilePermissions(p, wanted);
        }
    }
}
