// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** The default for how many verifications may wait for a free hashing slot. */
    public static final int DEFAULT_MAX_WAITING = 64;

    // Each hash takes memoryKib of memory; bounding how many run at once bounds the memory a flood of
    // sign-in or token requests (on virtual threads) can claim, and bounding how many may wait for
    // that turns a flood into quick "busy" answers instead of an ever longer queue.
    private final Semaphore running;
    private final AtomicInteger admitted = new AtomicInteger();
    private final int maxAdmitted;
    private final java.util.concurrent.atomic.AtomicLong verifications = new java.util.concurrent.atomic.AtomicLong();

    /** Thrown by {@link #verify} and {@link #verifyNothing} when too many verifications are already waiting. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("too many password verifications waiting", null, false, false);
        }
    }

    /** @param memoryKib memory cost in KiB (OWASP: 19456), @param iterations time cost (OWASP: 2) */
    public PasswordHasher(int memoryKib, int iterations) {
        this(memoryKib, iterations, DEFAULT_MAX_WAITING);
    }

    /** @param maxWaiting verifications that may wait for a hashing slot before further ones are refused as {@link Busy} */
    public PasswordHasher(int memoryKib, int iterations, int maxWaiting) {
        this(memoryKib, iterations, maxWaiting, new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors() * 2), true));
    }

    /** @param slots hashes allowed to run at once (its permits) */
    PasswordHasher(int memoryKib, int iterations, int maxWaiting, Semaphore slots) {
        if (memoryKib < 8 || iterations < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("argon2 memory must be at least 8 KiB, iterations at least 1, waiting not negative");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.running = slots;
        this.maxAdmitted = slots.availablePermits() + maxWaiting;
        this.dummyHash = hash("not a real secret");
    }

    /** How many verifications ran (real or dummy); each costs the same, so this counts the work done. */
    public long verifications() {
        return verifications.get();
    }

    public String hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(secret, salt, memoryKib, iterations, 1);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Constant-time check of {@code secret} against a stored hash; false for a malformed hash.
     *
     * @throws Busy when too many verifications are already running or waiting
     */
    public boolean verify(String secret, String stored) {
        // An over-long secret is hashed against the dummy, so refusing it takes the usual time.
        boolean usable = secret != null && secret.length() <= MAX_INPUT_CHARS && stored != null && PHC.matcher(stored).matches();
        Matcher m = PHC.matcher(usable ? stored : dummyHash);
        m.matches();
        byte[] expected = B64D.decode(m.group(5));
        if (admitted.incrementAndGet() > maxAdmitted) {
            admitted.decrementAndGet();
            throw new Busy();
        }
        try {
            verifications.incrementAndGet();
            byte[] actual = derive(usable ? secret : "", B64D.decode(m.group(4)), Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            return usable && MessageDigest.isEqual(expected, actual);
        } finally {
            admitted.decrementAndGet();
        }
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
