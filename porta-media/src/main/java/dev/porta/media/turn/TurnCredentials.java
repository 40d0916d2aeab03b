// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import dev.porta.media.api.IceServers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the "TURN REST API" scheme that coturn checks with
 * {@code use-auth-secret}: the username is {@code <expiry as Unix seconds>:<participant id>} and the
 * password is base64(HMAC-SHA1(shared secret, username)). coturn recomputes the password from the
 * username and refuses it once the expiry has passed, so Porta and coturn share only the secret.
 */
public final class TurnCredentials {
    private final TurnConfig config;
    private final Clock clock;
    private final SecretKeySpec key;
    private final java.util.concurrent.atomic.AtomicLong issued = new java.util.concurrent.atomic.AtomicLong();

    public TurnCredentials(TurnConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        // TURN off: no secret, no key (an empty HMAC key is refused by the JCE anyway)
        this.key = config.enabled() ? new SecretKeySpec(config.sharedSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA1") : null;
    }

    /** Credentials for {@code id}, valid for the configured TTL; null when TURN is off. */
    public IceServers issue(String id) {
        if (!config.enabled()) {
            return null;
        }
        Instant expires = clock.instant().plus(config.credentialTtl());
        String username = expires.getEpochSecond() + ":" + id;
        issued.incrementAndGet();
        return new IceServers(List.of(new IceServers.Server(config.urls(), username, password(username))), expires);
    }

    /** Credentials issued since start (metric). */
    public long issued() {
        return issued.get();
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it. */
    public String password(String username) {
        if (key == null) {
            throw new IllegalStateException("TURN is off");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
