// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets a store keeps (access keys, private signing keys) with AES-256-GCM under the
 * master key, so a copy of the database alone reveals none of them.
 *
 * <p>A sealed value reads {@code sealed:v1:<key id>:<Base64url(nonce | ciphertext | tag)>}. The key id
 * lets several master keys coexist while rotating: the current key seals, earlier ones still open.
 * The caller's {@code context} (table, row id, column) is the authenticated data, so a sealed value
 * copied to another row or column does not open. Values that are not sealed are refused, except by
 * {@link #resealed}, which stores use once on start to migrate plaintext rows of older databases.
 */
public final class SecretBox {
    static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKey current;
    private final Map<String, MasterKey> byId = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param current  the key that seals
     * @param previous keys that only open (while rotating to {@code current})
     */
    public SecretBox(MasterKey current, List<MasterKey> previous) {
        this.current = current;
        byId.put(current.id(), current);
        previous.forEach(k -> byId.putIfAbsent(k.id(), k));
    }

    /** A box with a fresh random key; for tests only (what it sealed is lost with it). */
    public static SecretBox ephemeral() {
        return new SecretBox(MasterKey.generate(), List.of());
    }

    public String currentKeyId() {
        return current.id();
    }

    public String seal(String plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = cipher(Cipher.ENCRYPT_MODE, current, nonce, context);
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + current.id() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    /** The plaintext of a sealed value; fails (naming the context, never the value) when it does not open. */
    public String open(String stored, String context) {
        if (!isSealed(stored)) {
            throw new ConfigException("secrets.master-key-file", "the stored secret " + context
                    + " is not sealed; Porta seals every stored secret on start, so this row was written by something else");
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String keyId = colon < 0 ? rest : rest.substring(0, colon);
        MasterKey key = byId.get(keyId);
        if (key == null || colon < 0) {
            throw new ConfigException("secrets.master-key-file", "the stored secret " + context + " was sealed with master key "
                    + keyId + ", which is not configured (configured: " + String.join(", ", byId.keySet())
                    + "). Configure that key (secrets.master-key-file or PORTA_MASTER_KEY), or list it in "
                    + "secrets.previous-master-key-files while rotating. Porta never replaces stored secrets it cannot open.");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(rest.substring(colon + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new GeneralSecurityException("too short");
            }
            byte[] nonce = java.util.Arrays.copyOf(in, NONCE_BYTES);
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, nonce, context);
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("secrets.master-key-file", "the stored secret " + context + " does not open with master key "
                    + keyId + ": the key file is not the one that sealed it, or the row was altered");
        }
    }

    /**
     * What to store instead of {@code stored} so it is sealed with the current key: empty when it already
     * is (after checking it opens), the plaintext sealed when it was stored in the clear by an older
     * Porta, or the value sealed again when an earlier master key sealed it.
     */
    public Optional<String> resealed(String stored, String context) {
        if (!isSealed(stored)) {
            return Optional.of(seal(stored, context));
        }
        String plaintext = open(stored, context);
        return stored.startsWith(PREFIX + current.id() + ":") ? Optional.empty() : Optional.of(seal(plaintext, context));
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    private static Cipher cipher(int mode, MasterKey key, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
