// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import dev.porta.common.BearerSecret;
import dev.porta.common.Config;
import java.time.Duration;

/**
 * Directory and token issuer settings; keys under {@code directory.} in porta.conf.
 *
 * @param accessTokenLifetime   lifetime of issued access tokens (Entra: about an hour)
 * @param clientSecretLifetime  default lifetime of a new client secret
 * @param argon2MemoryKib       Argon2id memory cost for passwords and secrets
 * @param argon2Iterations      Argon2id time cost
 * @param argon2MaxWaiting      password or secret checks that may wait for a hashing slot; more are answered "busy"
 * @param failedSecretBurst     failed secret or password attempts allowed per client id (and per address) before waiting
 * @param failedSecretWindow    the time in which that allowance refills
 * @param adminKey              bearer key of the admin REST API (at least 32 bytes); empty turns the admin API off
 */
public record DirectoryConfig(Duration accessTokenLifetime, Duration clientSecretLifetime, int argon2MemoryKib,
                              int argon2Iterations, int argon2MaxWaiting, int failedSecretBurst, Duration failedSecretWindow, String adminKey) {

    public static DirectoryConfig from(Config c) {
        return new DirectoryConfig(c.duration("directory.access-token-lifetime"), c.duration("directory.client-secret-lifetime"),
                c.integer("directory.argon2-memory-kib", 8, 4 * 1024 * 1024), c.integer("directory.argon2-iterations", 1, 20),
                c.integer("directory.argon2-max-waiting", 0, 100_000),
                c.integer("directory.failed-secret-burst", 1, 1_000_000), c.duration("directory.failed-secret-window"),
                BearerSecret.configured(c, "directory.admin-key"));
    }

    /** Production defaults, except a cheap hash; for tests. */
    public static DirectoryConfig forTests() {
        return new DirectoryConfig(Duration.ofHours(1), Duration.ofDays(365), 64, 1, PasswordHasher.DEFAULT_MAX_WAITING, 5, Duration.ofMinutes(1), "test-admin-key");
    }
}
