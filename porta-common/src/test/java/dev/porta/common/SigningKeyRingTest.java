// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SigningKeyRingTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-15T09:00:00Z"));

    /** A store that counts how often the keys are read. */
    private static final class CountingStore implements SigningKeyRing.Store {
        final List<SigningKeyRing.StoredKey> keys = new ArrayList<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public List<SigningKeyRing.StoredKey> signingKeys() {
            reads.incrementAndGet();
            return List.copyOf(keys);
        }

        @Override
        public void saveSigningKey(SigningKeyRing.StoredKey key) {
            keys.add(key);
        }
    }

    @Test
    void aFloodOfMadeUpKeyIdsCausesAtMostOneReloadPerInterval() {
        CountingStore store = new CountingStore();
        SigningKeyRing ring = new SigningKeyRing(store, clock);
        int before = store.reads.get();

        for (int i = 0; i < 1000; i++) {
            assertThat(ring.find("made-up-" + i)).isEmpty();
        }
        assertThat(store.reads.get() - before).isLessThanOrEqualTo(1);

        clock.advance(SigningKeyRing.MIN_RELOAD_INTERVAL);
        for (int i = 0; i < 1000; i++) {
            ring.find("again-" + i);
        }
        assertThat(store.reads.get() - before).isLessThanOrEqualTo(2);
    }

    @Test
    void aKeyRotatedOnAnotherNodeIsFoundOnceTheIntervalHasPassed() {
        CountingStore store = new CountingStore();
        SigningKeyRing thisNode = new SigningKeyRing(store, clock);
        SigningKeyRing otherNode = new SigningKeyRing(store, clock);
        assertThat(thisNode.find("unknown")).isEmpty();

        String rotated = otherNode.rotate().getKeyID();
        clock.advance(Duration.ofSeconds(1));
        boolean foundEarly = thisNode.find(rotated).isPresent();
        clock.advance(SigningKeyRing.MIN_RELOAD_INTERVAL);

        assertThat(foundEarly).as("still inside the interval after a reload").isFalse();
        assertThat(thisNode.find(rotated)).isPresent();
    }
}
