// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void whenTheWaitingRoomIsFullAFurtherCheckIsRefusedAtOnceInsteadOfQueueing() throws Exception {
        Semaphore slots = new Semaphore(1, true);
        PasswordHasher hasher = new PasswordHasher(64, 1, 0, slots);
        String stored = hasher.hash("correct horse");
        slots.acquire(); // the test holds the one hashing slot, so the next check counts as running but waits

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> hasher.verify("correct horse", stored),
                r -> Thread.ofVirtual().start(r));
        while (slots.getQueueLength() < 1) {
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> hasher.verify("guess", stored)).isInstanceOf(PasswordHasher.Busy.class);
        assertThatThrownBy(() -> hasher.verifyNothing("guess")).isInstanceOf(PasswordHasher.Busy.class);

        slots.release();
        assertThat(waiting.get()).isTrue();
        assertThat(hasher.verify("guess", stored)).as("room again once the queue drained").isFalse();
    }

    @Test
    void malformedInputsCostOneVerificationLikeAnyOther() {
        PasswordHasher hasher = new PasswordHasher(64, 1);
        long before = hasher.verifications();

        assertThat(hasher.verify(null, "$argon2id$v=19$m=64,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("x".repeat(5000), hasher.hash("x"))).isFalse();
        assertThat(hasher.verify("x", "not a hash")).isFalse();

        assertThat(hasher.verifications() - before).isEqualTo(3);
    }
}
