// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Database settings; keys under {@code db.} in porta.conf. An empty {@code db.url} means the embedded
 * H2 file database inside the data directory.
 */
public record DatabaseConfig(String url, String user, String password, int maxPoolSize, Duration connectTimeout) {

    public static DatabaseConfig from(Config c, Path dataDir) {
        String url = c.string("db.url");
        if (url.isBlank()) {
            url = h2File(dataDir.resolve("porta"));
        } else if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("db.url", "must be a jdbc:postgresql: or jdbc:h2: URL, got '" + url + "'");
        }
        return new DatabaseConfig(url, c.string("db.user"), c.string("db.password"),
                c.integer("db.pool-size", 1, 500), c.duration("db.connect-timeout"));
    }

    /** An embedded H2 file database at {@code base} (H2 adds {@code .mv.db}), in PostgreSQL mode. */
    public static String h2File(Path base) {
        return "jdbc:h2:file:" + base.toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /** An in-memory H2 database that lives as long as the JVM; for tests. */
    public static DatabaseConfig h2Memory(String name) {
        return new DatabaseConfig("jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa", "", 4, Duration.ofSeconds(5));
    }
}
