// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * A configured secret that callers present as {@code Authorization: Bearer <secret>} (the admin API's
 * key, the metrics token). Compares in constant time and rate-limits wrong guesses per client address,
 * so the secret cannot be found by trying; the routes turn each {@link Check} into their own error body.
 */
public final class BearerSecret {
    /** The outcome of one request's check. */
    public enum Check { ACCEPTED, REFUSED, THROTTLED }

    private final byte[] digest;
    private final RateLimiter failures;
    private final String keyPrefix;

    /**
     * @param secret    the configured secret; empty or null means none is set (every check refuses)
     * @param failures  wrong guesses allowed per client address
     * @param keyPrefix separates this secret's guesses from others' sharing the limiter
     */
    public BearerSecret(String secret, RateLimiter failures, String keyPrefix) {
        this.digest = secret == null || secret.isEmpty() ? null : sha256(secret.getBytes(StandardCharsets.UTF_8));
        this.failures = failures;
        this.keyPrefix = keyPrefix;
    }

    /** The shortest configured secret accepted: 32 bytes, as many as a random 256-bit key. */
    public static final int MIN_BYTES = 32;

    /**
     * The configured value of {@code key}, refused when set but shorter than {@link #MIN_BYTES}: such a
     * secret guards an API, and a short or memorable one can be guessed despite the rate limit.
     */
    public static String configured(Config config, String key) {
        String v = config.string(key);
        if (!v.isEmpty() && v.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
            throw new ConfigException(key, "must be at least " + MIN_BYTES + " bytes of randomness (e.g. openssl rand -base64 32), "
                    + "got " + v.getBytes(StandardCharsets.UTF_8).length + "; leave it empty to turn it off");
        }
        return v;
    }

    public boolean isSet() {
        return digest != null;
    }

    /**
     * Checks the request's {@code Authorization} header; a wrong or missing secret counts as a guess.
     * The guess is charged before the comparison and given back when it matches, so a concurrent burst
     * gets no more comparisons than the limit allows.
     */
    public Check check(String authorizationHeader, String clientAddress) {
        String key = keyPrefix + AddressKey.of(clientAddress);
        if (!failures.tryAcquire(key)) {
            return Check.THROTTLED;
        }
        byte[] given = authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        // Comparing digests keeps the comparison constant-time whatever the lengths.
        if (digest == null || !MessageDigest.isEqual(sha256(given), digest)) {
            return Check.REFUSED;
        }
        failures.refund(key);
        return Check.ACCEPTED;
    }

    /** How long {@code clientAddress} must wait after {@link Check#THROTTLED}, at least a second. */
    public long retryAfterSeconds(String clientAddress) {
        Duration wait = failures.retryAfter(keyPrefix + AddressKey.of(clientAddress));
        return Math.max(1, wait.toSeconds());
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
