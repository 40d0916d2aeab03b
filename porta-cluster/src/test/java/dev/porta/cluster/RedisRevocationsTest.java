// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Revocations over the real Redis's pub/sub, between two nodes. */
class RedisRevocationsTest {
    private TestRedis redis;
    private Redis clientA;
    private Redis clientB;
    private RedisRevocations nodeA;
    private RedisRevocations nodeB;

    @BeforeEach
    void connect() {
        redis = TestRedis.start();
        clientA = redis.connect();
        clientB = redis.connect();
        nodeA = new RedisRevocations(clientA, "node-a");
        nodeB = new RedisRevocations(clientB, "node-b");
    }

    @AfterEach
    void cleanUp() {
        nodeA.close();
        nodeB.close();
        clientA.close();
        clientB.close();
        redis.close();
    }

    @Test
    void aRevocationPublishedOnOneNodeReachesTheListenersOfTheOtherAndItsOwnOnce() throws Exception {
        BlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
        List<String> heardOnA = new CopyOnWriteArrayList<>();
        nodeB.subscribe(heardOnB::add);
        nodeA.subscribe(heardOnA::add);

        nodeA.publish("8:acs:resource_guest-1");

        assertThat(heardOnB.poll(10, TimeUnit.SECONDS)).isEqualTo("8:acs:resource_guest-1");
        assertThat(heardOnA).containsExactly("8:acs:resource_guest-1"); // at once, not through Redis
        // B's echo of a later message proves A's own earlier message has come back and was skipped
        nodeB.publish("8:acs:resource_guest-2");
        assertThat(heardOnB.poll(10, TimeUnit.SECONDS)).isEqualTo("8:acs:resource_guest-2");
        awaitSize(heardOnA, 2);
        assertThat(heardOnA).containsExactly("8:acs:resource_guest-1", "8:acs:resource_guest-2");
    }

    @Test
    void anotherDeploymentOnTheSameRedisHearsNothing() throws Exception {
        try (TestRedis other = TestRedis.start(); Redis otherClient = other.connect();
             RedisRevocations otherNode = new RedisRevocations(otherClient, "node-x")) {
            BlockingQueue<String> heardElsewhere = new LinkedBlockingQueue<>();
            otherNode.subscribe(heardElsewhere::add);
            BlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
            nodeB.subscribe(heardOnB::add);

            nodeA.publish("8:acs:resource_guest-3");

            assertThat(heardOnB.poll(10, TimeUnit.SECONDS)).isEqualTo("8:acs:resource_guest-3");
            assertThat(heardElsewhere).isEmpty();
        }
    }

    @Test
    void aNodeThatLostRedisStillEndsTheParticipationsItHolds() {
        List<String> heardOnA = new CopyOnWriteArrayList<>();
        nodeA.subscribe(heardOnA::add);
        clientA.close();

        nodeA.publish("8:orgid:member-7");

        assertThat(heardOnA).containsExactly("8:orgid:member-7");
    }

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        for (int i = 0; i < 1000 && list.size() < size; i++) {
            Thread.sleep(10);
        }
    }
}
