// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

    @Test
    void offeredWorkBeyondTheBoundIsRefusedWhilePostedResultsAreKeptAndRunFirst() throws Exception {
        SerialQueue q = new SerialQueue("test", 2);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        q.post(() -> {
            started.countDown();
            await(busy);
            ran.add("busy");
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(q.offer(() -> ran.add("a"))).isTrue();
        assertThat(q.offer(() -> ran.add("b"))).isTrue();
        assertThat(q.offer(() -> ran.add("c"))).as("a third offer while two wait").isFalse();
        q.post(() -> ran.add("result")); // a result posted back is never refused
        assertThat(q.waiting()).isEqualTo(2);

        busy.countDown();
        CountDownLatch done = new CountDownLatch(1);
        q.post(done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).as("work under way finishes before new work starts").containsExactly("busy", "result", "a", "b");
        assertThat(q.offer(() -> ran.add("d"))).as("room again once the queue drained").isTrue();
    }

    @Test
    void aTaskKnowsItRunsOnItsQueueAndAFailingTaskDoesNotStopTheNext() throws Exception {
        SerialQueue q = new SerialQueue("test", 8);
        assertThat(q.isCurrent()).isFalse();
        q.post(() -> {
            throw new IllegalStateException("boom");
        });
        assertThat(q.submit(q::isCurrent).get(5, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
