// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RSA keys that sign access tokens. They live in the database so tokens stay valid across
 * restarts and across nodes; the first start generates one. Retired keys still verify until the
 * tokens they signed have expired; the active key is the newest one not retired.
 */
public final class SigningKeys {
    private final IdentityStore store;
    private final Clock clock;
    private final Map<String, RSAKey> byId = new ConcurrentHashMap<>();
    private volatile RSAKey active;

    public SigningKeys(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        reload();
        if (active == null) {
            rotate();
        }
    }

    /** Generates a new active key; the previous ones keep verifying. */
    public synchronized RSAKey rotate() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
                    .keyID(UUID.randomUUID().toString().replace("-", "")).generate();
            store.saveSigningKey(new IdentityStore.SigningKey(key.getKeyID(), key.toJSONString(), clock.instant(), Optional.empty()));
            reload();
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }

    /** Reads the keys again from the store (another node may have rotated). */
    public synchronized void reload() {
        RSAKey newest = null;
        for (IdentityStore.SigningKey k : store.signingKeys()) {
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

    public RSAKey active() {
        return active;
    }

    public Optional<RSAKey> find(String keyId) {
        return Optional.ofNullable(keyId).map(byId::get);
    }

    /** The public keys, for publishing as a JWKS. */
    public JWKSet publicJwks() {
        return new JWKSet(List.copyOf(byId.values())).toPublicJWKSet();
    }
}
