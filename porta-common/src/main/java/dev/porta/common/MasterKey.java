// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 256-bit AES key that seals secrets stored in the database. Its id is derived from the key itself,
 * so every sealed value names the key it needs without any bookkeeping, and a wrong key is recognised
 * by its id before anything is decrypted.
 */
public final class MasterKey {
    public static final int BYTES = 32;

    private final String id;
    private final byte[] key;

    private MasterKey(byte[] key) {
        this.key = key.clone();
        this.id = idOf(key);
    }

    /** A new random key. */
    public static MasterKey generate() {
        byte[] b = new byte[BYTES];
        new SecureRandom().nextBytes(b);
        return new MasterKey(b);
    }

    /**
     * Parses the Base64 text of a key file or environment variable ({@code openssl rand -base64 32}).
     *
     * @param source names where the text came from, for the error message
     */
    public static MasterKey parse(String base64, String source) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "a master key must be 32 random bytes in Base64 (openssl rand -base64 32)");
        }
        if (b.length != BYTES) {
            throw new ConfigException(source, "a master key must be 32 random bytes in Base64 (openssl rand -base64 32), got "
                    + b.length + " bytes");
        }
        return new MasterKey(b);
    }

    /** Eight hex digits naming this key in every value it seals; not secret. */
    public String id() {
        return id;
    }

    /** The key file's text. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key);
    }

    byte[] bytes() {
        return key.clone();
    }

    private static String idOf(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("porta master key id\n".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 4));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]"; // never the key
    }
}
