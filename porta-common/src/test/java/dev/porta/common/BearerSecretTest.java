// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BearerSecretTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-15T09:00:00Z"));
    private final BearerSecret secret = new BearerSecret("s3cret-key", new RateLimiter(2, Duration.ofMinutes(1), 100, clock), "t:");

    @Test
    void theRightSecretIsAcceptedAndAnyOtherFormIsRefused() {
        assertThat(secret.check("Bearer s3cret-key", "10.0.0.1")).isEqualTo(BearerSecret.Check.ACCEPTED);
        assertThat(secret.check("bearer  s3cret-key ", "10.0.0.2")).isEqualTo(BearerSecret.Check.ACCEPTED);
        assertThat(secret.check("Basic s3cret-key", "10.0.0.3")).isEqualTo(BearerSecret.Check.REFUSED);
        assertThat(secret.check(null, "10.0.0.4")).isEqualTo(BearerSecret.Check.REFUSED);
    }

    @Test
    void guessingLocksOutThatAddressEvenForTheRightSecretUntilTheWindowRefills() {
        assertThat(secret.check("Bearer guess-1", "10.0.0.9")).isEqualTo(BearerSecret.Check.REFUSED);
        assertThat(secret.check("Bearer guess-2", "10.0.0.9")).isEqualTo(BearerSecret.Check.REFUSED);

        assertThat(secret.check("Bearer s3cret-key", "10.0.0.9")).isEqualTo(BearerSecret.Check.THROTTLED);
        assertThat(secret.retryAfterSeconds("10.0.0.9")).isPositive();
        assertThat(secret.check("Bearer s3cret-key", "10.0.0.8")).as("another address").isEqualTo(BearerSecret.Check.ACCEPTED);

        clock.advance(Duration.ofMinutes(1));
        assertThat(secret.check("Bearer s3cret-key", "10.0.0.9")).isEqualTo(BearerSecret.Check.ACCEPTED);
    }

    @Test
    void aParallelBurstOfWrongSecretsGetsExactlyTheLimitCompared() throws Exception {
        var results = dev.porta.common.testing.Bursts.run(100, i -> secret.check("Bearer guess-" + i, "10.0.0.7"));

        assertThat(results).filteredOn(r -> r == BearerSecret.Check.REFUSED).hasSize(2);
        assertThat(results).filteredOn(r -> r == BearerSecret.Check.THROTTLED).hasSize(98);
    }

    @Test
    void theRightSecretDoesNotUseUpTheAddressesAttempts() {
        for (int i = 0; i < 5; i++) {
            assertThat(secret.check("Bearer s3cret-key", "10.0.0.6")).isEqualTo(BearerSecret.Check.ACCEPTED);
        }
        assertThat(secret.check("Bearer guess", "10.0.0.6")).isEqualTo(BearerSecret.Check.REFUSED);
    }

    @Test
    void anUnsetSecretRefusesEverything() {
        BearerSecret none = new BearerSecret("", new RateLimiter(2, Duration.ofMinutes(1), 100, clock), "n:");

        assertThat(none.isSet()).isFalse();
        assertThat(none.check("Bearer ", "10.0.0.1")).isEqualTo(BearerSecret.Check.REFUSED);
    }
}
