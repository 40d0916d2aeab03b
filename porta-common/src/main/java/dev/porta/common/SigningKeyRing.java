// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RSA keys that sign tokens (the identity module's access tokens, the directory's OAuth2 tokens).
 * They live in the database so tokens survive restarts and verify on every node; the first start
 * generates one. Retired keys keep verifying until what they signed has expired; the newest key not
 * retired signs. An unknown key id may trigger a reload, since another node may have rotated; such
 * reloads happen at most once per {@link #MIN_RELOAD_INTERVAL}, so tokens with made-up key ids cannot
 * turn into a stream of database reads (until the next reload, every unknown id is simply unknown).
 */
public final class SigningKeyRing {
    private static final int MAX_KEY_ID_CHARS = 64;
    /** The shortest time between two reloads caused by unknown key ids. */
    public static final java.time.Duration MIN_RELOAD_INTERVAL = java.time.Duration.ofSeconds(10);

    /** A stored key: a private RSA JWK, active until retired. */
    public record StoredKey(String keyId, String privateJwk, Instant createdAt, Optional<Instant> retiredAt) { }

    /** Where a module keeps its keys. */
    public interface Store {
        List<StoredKey> signingKeys();

        void saveSigningKey(StoredKey key);
    }

    private final Store store;
    private final Clock clock;
    private final Map<String, RSAKey> byId = new ConcurrentHashMap<>();
    private volatile RSAKey active;
    private Instant lastReload = Instant.MIN;

    public SigningKeyRing(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        reload();
        if (active == null) {
            rotate();
        }
    }

    /** Generates a new active key; earlier keys keep verifying. */
    public synchronized RSAKey rotate() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
                    .keyID(UUID.randomUUID().toString().replace("-", "")).generate();
            store.saveSigningKey(new StoredKey(key.getKeyID(), key.toJSONString(), clock.instant(), Optional.empty()));
            reload();
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }

    /** Reads the keys again from the store. */
    public synchronized void reload() {
        lastReload = clock.instant();
        RSAKey newest = null;
        for (StoredKey k : store.signingKeys()) {
            try {
                RSAKey rsa = RSAKey.parse(k.privateJwk());
                byId.put(k.keyId(), rsa);
                if (k.retiredAt().isEmpty()) {
                    newest = rsa;
                }
            } catch (ParseException e) {
                throw new IllegalStateException("stored signing key " + k.keyId() + " is not a JWK", e);
            }
        }
        active = newest;
    }

    /** The key that signs now. */
    public RSAKey active() {
        return active;
    }

    /** The key with this id, reloading when it is unknown here and no reload happened recently. */
    public Optional<RSAKey> find(String keyId) {
        if (keyId == null || keyId.length() > MAX_KEY_ID_CHARS) {
            return Optional.empty();
        }
        RSAKey key = byId.get(keyId);
        if (key == null) {
            reloadIfDue();
            key = byId.get(keyId); // a concurrent reload may have brought it even when this call did not
        }
        return Optional.ofNullable(key);
    }

    private synchronized void reloadIfDue() {
        if (!clock.instant().isBefore(lastReload.plus(MIN_RELOAD_INTERVAL))) {
            reload();
        }
    }

    /** The public keys, for publishing as a JWKS. */
    public JWKSet publicJwks() {
        return new JWKSet(List.copyOf(byId.values())).toPublicJWKSet();
    }
}
