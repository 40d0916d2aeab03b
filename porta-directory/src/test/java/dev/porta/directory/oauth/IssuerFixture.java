// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.RateLimiter;
import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.testing.LoopbackRoutes;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.PasswordHasher;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;

/**
 * The token endpoint's tests' world: a directory on a fresh H2 database, a signing key ring, a Graph
 * token issuer (1 h tokens) and its verifier, and the endpoint on loopback once {@link #serve} runs.
 * Failed secrets, sign-ins and refresh tokens are limited to 3 a minute, so limit tests stay short.
 */
final class IssuerFixture implements AutoCloseable {
    final TestDatabases.TestDatabase db = TestDatabases.h2();
    final JdbcDirectoryStore store = new JdbcDirectoryStore(db.database(), SecretBox.ephemeral());
    final PasswordHasher hasher = new PasswordHasher(64, 1);
    final Directory directory;
    final SigningKeyRing keys;
    final Audiences audiences = new Audiences(this::base);
    final TokenIssuer issuer;
    final TokenVerifier verifier;
    private final Clock clock;
    private volatile String base;
    private Javalin app;

    IssuerFixture(Clock clock) {
        this.clock = clock;
        directory = new Directory(store, hasher, DirectoryConfig.forTests(), clock);
        keys = new SigningKeyRing(store, clock);
        issuer = new TokenIssuer(keys, this::base, Duration.ofHours(1), clock);
        verifier = new TokenVerifier(keys, issuer, audiences, store, clock);
    }

    /** The endpoint with client credentials and authorization codes; the tests add their grants to it. */
    TokenRoutes tokenRoutes() {
        return new TokenRoutes(directory, issuer, keys, audiences, new RateLimiter(3, Duration.ofMinutes(1), 1000, clock), this::base, clock);
    }

    /** Serves {@code routes} on loopback and returns the base URL ({@code http://127.0.0.1:port/}). */
    String serve(TokenRoutes routes) {
        app = LoopbackRoutes.start(routes::register);
        base = "http://127.0.0.1:" + app.port() + "/";
        return base;
    }

    String base() {
        return base;
    }

    @Override
    public void close() throws Exception {
        try {
            if (app != null) {
                app.stop();
            }
        } finally {
            db.close();
        }
    }
}
