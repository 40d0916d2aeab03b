// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.porta.directory.DirectoryStore;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token issuer's RSA signing keys. Kept in the database so tokens survive restarts and verify on
 * every node; the first start generates one. Retired keys keep verifying; the newest unretired signs.
 */
public final class IssuerKeys {
    private final DirectoryStore store;
    private final Clock clock;
    private final Map<String, RSAKey> byId = new ConcurrentHashMap<>();
    private volatile RSAKey active;

    public IssuerKeys(DirectoryStore store, Clock clock) {
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
            store.saveSigningKey(new DirectoryStore.SigningKey(key.getKeyID(), key.toJSONString(), clock.instant(), Optional.empty()));
            reload();
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }

    /** Reads the keys again (another node may have rotated). */
    public synchronized void reload() {
        RSAKey newest = null;
        for (DirectoryStore.SigningKey k : store.signingKeys()) {
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

    RSAKey active() {
        return active;
    }

    Optional<RSAKey> find(String keyId) {
        Optional<RSAKey> key = Optional.ofNullable(keyId).map(byId::get);
        if (key.isEmpty() && keyId != null && keyId.length() <= 64) {
            reload();
            key = Optional.ofNullable(byId.get(keyId));
        }
        return key;
    }

    /** The public keys as a JWKS document. */
    public JWKSet publicJwks() {
        return new JWKSet(List.copyOf(byId.values())).toPublicJWKSet();
    }
}
