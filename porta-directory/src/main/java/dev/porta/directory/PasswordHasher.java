// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id hashes for member passwords and client secrets, in the PHC string format
 * ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}) so the cost can be raised later without breaking
 * stored hashes: each hash carries its own parameters.
 */
public final class PasswordHasher {
    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_INPUT_CHARS = 1024;

    private final int memoryKib;
    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;
    // Each hash takes memoryKib of memory; bounding how many run at once bounds the memory a flood of
    // sign-in or token requests (on virtual threads) can claim.
    private final java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(
            Math.max(2, Runtime.getRuntime().availableProcessors() * 2), true);

    /** @param memoryKib memory cost in KiB (OWASP: 19456), @param iterations time cost (OWASP: 2) */
    public PasswordHasher(int memoryKib, int iterations) {
        if (memoryKib < 8 || iterations < 1) {
            throw new IllegalArgumentException("argon2 memory must be at least 8 KiB and iterations at least 1");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.dummyHash = hash("not a real secret");
    }

    public String hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(secret, salt, memoryKib, iterations, 1);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Constant-time check of {@code secret} against a stored hash; false for a malformed hash. */
    public boolean verify(String secret, String stored) {
        if (secret == null || secret.length() > MAX_INPUT_CHARS || stored == null) {
            return false;
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches()) {
            return false;
        }
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(secret, B64D.decode(m.group(4)), Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of one verification, so an unknown user or app answers as slowly as a wrong secret. */
    public void verifyNothing(String secret) {
        verify(secret == null ? "" : secret, dummyHash);
    }

    private byte[] derive(String secret, byte[] salt, int memoryKib, int iterations, int parallelism) {
        running.acquireUninterruptibly();
        try {
            return argon2(secret, salt, memoryKib, iterations, parallelism);
        } finally {
            running.release();
        }
    }

    private static byte[] argon2(String secret, byte[] salt, int memoryKib, int iterations, int parallelism) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
                .build());
        byte[] out = new byte[HASH_BYTES];
        gen.generateBytes(secret.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
