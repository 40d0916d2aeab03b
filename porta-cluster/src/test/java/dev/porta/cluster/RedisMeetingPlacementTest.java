// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MeetingPlacement.Home;
import dev.porta.common.MutableClock;
import dev.porta.common.testing.Bursts;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node registry and meeting placement in the real Redis, with two nodes (two clients, two placements). */
class RedisMeetingPlacementTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private TestRedis redis;
    private Redis redisA;
    private Redis redisB;

    @BeforeEach
    void connect() {
        redis = TestRedis.start();
        redisA = redis.connect();
        redisB = redis.connect();
    }

    @AfterEach
    void cleanUp() {
        redisA.close();
        redisB.close();
        redis.close();
    }

    private static NodeStatus status(String host, int meetings, int participants) {
        return new NodeStatus(URI.create("https://" + host + ":8443/"), List.of("192.0.2.1"), meetings, participants, 0);
    }

    @Test
    void twoNodesRacingToPlaceOneMeetingGetExactlyOneHome() throws Exception {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 0), List.of());

        for (int round = 0; round < 10; round++) {
            String meeting = "meeting-" + round;
            List<Home> answers = Bursts.run(40, i -> (i % 2 == 0 ? a : b).place(meeting));

            Set<String> homes = answers.stream().map(h -> switch (h) {
                case Home.Elsewhere e -> e.nodeId();
                case Home.Here here -> "here";
                case Home.Unavailable u -> "unavailable";
            }).collect(Collectors.toSet());
            // every answer names one node: "here" on it, that node's id on the other
            assertThat(homes).hasSize(2).contains("here").containsAnyOf("node-a", "node-b");
            String home = homes.stream().filter(h -> !h.equals("here")).findFirst().orElseThrow();
            String other = home.equals("node-a") ? "node-b" : "node-a";
            RedisMeetingPlacement homeNode = home.equals("node-a") ? a : b;
            RedisMeetingPlacement otherNode = home.equals("node-a") ? b : a;
            assertThat(homeNode.place(meeting)).isEqualTo(new Home.Here());
            assertThat(otherNode.place(meeting)).isEqualTo(new Home.Elsewhere(home, URI.create(
                    "https://" + (home.equals("node-a") ? "a" : "b") + ".example:8443/")));
            assertThat(redisA.commands().get(redisA.key("home:" + meeting))).isEqualTo(home).isNotEqualTo(other);
        }
    }

    @Test
    void aFirstJoinPlacesTheMeetingOnTheLiveNodeWithFewestParticipants() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 3, 40), List.of());
        b.heartbeat(status("b.example", 5, 12), List.of());

        assertThat(a.place("new-meeting")).isEqualTo(new Home.Elsewhere("node-b", URI.create("https://b.example:8443/")));
        assertThat(b.place("new-meeting")).isEqualTo(new Home.Here());
    }

    @Test
    void aBurstOfNewMeetingsBetweenHeartbeatsIsSpreadOverIdleNodes() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 0), List.of());

        long here = 0;
        for (int i = 0; i < 10; i++) {
            if (a.place("m" + i) instanceof Home.Here) {
                here++;
            }
        }

        assertThat(here).isEqualTo(5); // each placement counts at once on its node, not at the next heartbeat
        assertThat(a.nodes()).extracting(ClusterNode::meetings).containsExactly(5, 5);
    }

    @Test
    void aMeetingOfANodeThatStopsHeartbeatingCanBePlacedOnAnotherOnceItsLeaseLapses() throws Exception {
        Duration shortLease = Duration.ofMillis(600);
        var a = new RedisMeetingPlacement(redisA, "node-a", shortLease, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", shortLease, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 9), List.of());
        assertThat(a.place("standup")).isEqualTo(new Home.Here());
        assertThat(b.place("standup")).isInstanceOf(Home.Elsewhere.class);

        // node-a dies (no more heartbeats); node-b keeps beating
        Home atB = b.place("standup");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!(atB instanceof Home.Here) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            b.heartbeat(status("b.example", 0, 9), List.of());
            atB = b.place("standup");
        }

        assertThat(atB).isEqualTo(new Home.Here());
        assertThat(b.nodes()).extracting(ClusterNode::nodeId).containsExactly("node-b");
        assertThat(b.nodes().get(0).homes()).containsExactly("standup");
    }

    @Test
    void theHomeKeepsItsLeaseWhileTheMeetingIsLiveAndReleasesItOnceTheMeetingEnded() throws Exception {
        Duration shortLease = Duration.ofMillis(600);
        var a = new RedisMeetingPlacement(redisA, "node-a", shortLease, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", shortLease, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 9), List.of());
        assertThat(a.place("weekly")).isEqualTo(new Home.Here());

        for (int i = 0; i < 8; i++) { // well past one lease time
            Thread.sleep(150);
            clock.advance(Duration.ofMillis(150));
            assertThat(a.heartbeat(status("a.example", 1, 2), List.of("weekly"))).isEmpty();
            b.heartbeat(status("b.example", 0, 9), List.of());
        }
        assertThat(b.place("weekly")).isInstanceOf(Home.Elsewhere.class);
        assertThat(a.leasesHeld()).isEqualTo(1);

        a.heartbeat(status("a.example", 0, 0), List.of()); // the meeting ended

        assertThat(redisA.commands().exists(redisA.key("home:weekly"))).isZero();
        assertThat(a.leasesHeld()).isZero();
        b.heartbeat(status("b.example", 0, 0), List.of());
        assertThat(b.place("weekly")).isEqualTo(new Home.Here()); // a's lease is gone: placed anew (b on a tie)
    }

    @Test
    void aMeetingPlacedHereWhoseFirstParticipantIsStillOnTheWayKeepsItsLeaseForOneLeaseTime() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        assertThat(a.place("m")).isEqualTo(new Home.Here());

        a.heartbeat(status("a.example", 0, 0), List.of()); // not live yet: the join is still being admitted
        assertThat(redisA.commands().get(redisA.key("home:m"))).isEqualTo("node-a");

        clock.advance(LEASE.plusSeconds(1));
        a.heartbeat(status("a.example", 0, 0), List.of()); // never became live: released

        assertThat(redisA.commands().exists(redisA.key("home:m"))).isZero();
    }

    @Test
    void aLiveMeetingWhoseLeaseAnotherNodeTookIsReportedLost() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 9), List.of());
        assertThat(a.place("m")).isEqualTo(new Home.Here());
        redisA.commands().set(redisA.key("home:m"), "node-b"); // as if a's lease lapsed while it was cut off, and b took it

        assertThat(a.heartbeat(status("a.example", 1, 1), List.of("m"))).containsExactly("m");
        assertThat(a.place("m")).isEqualTo(new Home.Elsewhere("node-b", URI.create("https://b.example:8443/")));
    }

    @Test
    void aLiveMeetingWhoseLeaseRedisForgotIsTakenBackAtTheNextHeartbeat() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        assertThat(a.place("m")).isEqualTo(new Home.Here());
        redisA.commands().del(redisA.key("home:m")); // a Redis restarted without persistence

        assertThat(a.heartbeat(status("a.example", 1, 1), List.of("m"))).isEmpty();

        assertThat(redisA.commands().get(redisA.key("home:m"))).isEqualTo("node-a");
    }

    @Test
    void afterRedisLostItsDataNoMeetingIsPlacedAnewUntilItsHomeTookItsLeaseBack() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 0), List.of());
        assertThat(a.place("m")).isEqualTo(new Home.Here());
        a.heartbeat(status("a.example", 1, 2), List.of("m"));

        redis.forgetEverything(); // Redis restarted without persistence
        b.heartbeat(status("b.example", 0, 0), List.of()); // b is back first: its registration is gone

        // b is the least loaded node now, yet "m" is live on a: it must not get a second home
        assertThat(b.place("m")).isInstanceOf(Home.Unavailable.class);
        assertThat(b.place("another")).as("no node can tell a new meeting from one not taken back yet")
                .isInstanceOf(Home.Unavailable.class);
        assertThat(a.heartbeat(status("a.example", 1, 2), List.of("m"))).isEmpty(); // a is back and takes its lease again

        assertThat(b.place("m")).isEqualTo(new Home.Elsewhere("node-a", URI.create("https://a.example:8443/")));
        assertThat(a.place("m")).isEqualTo(new Home.Here());
    }

    @Test
    void afterRedisLostItsDataNewMeetingsArePlacedAgainOneLeaseTimeLater() throws Exception {
        Duration shortLease = Duration.ofMillis(600);
        var a = new RedisMeetingPlacement(redisA, "node-a", shortLease, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        redis.forgetEverything();
        a.heartbeat(status("a.example", 0, 0), List.of());
        assertThat(a.place("new")).isInstanceOf(Home.Unavailable.class);

        Home placed = a.place("new");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!(placed instanceof Home.Here) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            a.heartbeat(status("a.example", 0, 0), List.of());
            placed = a.place("new");
        }

        assertThat(placed).isEqualTo(new Home.Here());
    }

    @Test
    void aDrainingNodeSetsItsDrainFlagAgainWhenRedisLostIt() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        assertThat(RedisMeetingPlacement.drain(redisA, "node-a")).isTrue();
        a.heartbeat(status("a.example", 1, 1), List.of(), "admin");

        redis.forgetEverything();
        a.heartbeat(status("a.example", 1, 1), List.of(), "admin");

        assertThat(a.drainFlagged()).isTrue();
        assertThat(redisA.commands().get(redisA.key("drain:node-a"))).isEqualTo("admin");
        assertThat(b.nodes()).extracting(ClusterNode::draining).containsExactly(true);
    }

    @Test
    void theRegistryListsEachLiveNodeWithItsLoadAndMeetings() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(new NodeStatus(URI.create("https://a.example:8443/"), List.of("192.0.2.1", "2001:db8::1"), 0, 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 5), List.of());
        assertThat(a.place("m1")).isEqualTo(new Home.Here());
        a.heartbeat(new NodeStatus(URI.create("https://a.example:8443/"), List.of("192.0.2.1", "2001:db8::1"), 1, 3, 450), List.of("m1"));

        List<ClusterNode> nodes = RedisMeetingPlacement.nodes(redis.connect());

        assertThat(nodes).extracting(ClusterNode::nodeId).containsExactly("node-a", "node-b");
        ClusterNode nodeA = nodes.get(0);
        assertThat(nodeA.url()).isEqualTo("https://a.example:8443/");
        assertThat(nodeA.mediaAddresses()).containsExactly("192.0.2.1", "2001:db8::1");
        assertThat(nodeA.meetings()).isEqualTo(1);
        assertThat(nodeA.participants()).isEqualTo(3);
        assertThat(nodeA.packetsPerSecond()).isEqualTo(450);
        assertThat(nodeA.homes()).containsExactly("m1");
        assertThat(nodeA.heartbeatAge()).isLessThan(Duration.ofSeconds(5));
        assertThat(redisA.commands().pttl(redisA.key("node:node-a"))).isPositive().isLessThanOrEqualTo(LEASE.toMillis());
    }

    @Test
    void aNodeThatLeavesIsNoLongerLiveAndItsMeetingsArePlacedElsewhereAtOnce() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 9), List.of());
        assertThat(a.place("m")).isEqualTo(new Home.Here());

        a.leave();

        assertThat(b.place("m")).isEqualTo(new Home.Here());
        assertThat(b.nodes()).extracting(ClusterNode::nodeId).containsExactly("node-b");
    }

    @Test
    void aHomeWhoseRegisteredAddressIsNotAnHttpsUrlIsNeverGivenToAClient() {
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        b.heartbeat(status("b.example", 0, 0), List.of());
        // someone with write access to Redis forges a node and a lease
        redisA.commands().hset(redisA.key("node:evil"), java.util.Map.of("url", "javascript:alert(1)", "meetings", "0", "participants", "0"));
        redisA.commands().set(redisA.key("home:m"), "evil");
        redisA.commands().set(redisA.key("home:n"), "not-registered");

        assertThat(b.place("m")).isInstanceOf(Home.Unavailable.class);
        assertThat(b.place("n")).isInstanceOf(Home.Unavailable.class);
        assertThat(RedisMeetingPlacement.nodeUrl("https://user@b.example/")).isNull();
        assertThat(RedisMeetingPlacement.nodeUrl("http://b.example/")).isNull();
        assertThat(RedisMeetingPlacement.nodeUrl("https://b.example:8443/")).isNotNull();
    }

    @Test
    void noMeetingIsPlacedWhenNoNodeIsLiveOrRedisCannotBeReached() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        assertThat(a.place("m")).isInstanceOf(Home.Unavailable.class); // not registered yet

        a.heartbeat(status("a.example", 0, 0), List.of());
        redisA.close(); // this node lost Redis

        assertThat(a.place("m")).isEqualTo(new Home.Unavailable("Redis cannot be reached"));
    }

    @Test
    void aDrainingNodeIsNeverChosenForANewMeetingButKeepsTheMeetingsItIsHomeTo() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 5, 90), List.of()); // busier: without the drain, a would win every placement
        assertThat(a.place("weekly")).isEqualTo(new Home.Here());

        assertThat(RedisMeetingPlacement.drain(redisB, "node-a")).isTrue();

        for (int i = 0; i < 5; i++) {
            assertThat(a.place("new-" + i)).as("asked at the draining node").isInstanceOf(Home.Elsewhere.class)
                    .extracting(h -> ((Home.Elsewhere) h).nodeId()).isEqualTo("node-b");
            assertThat(b.place("other-" + i)).as("asked at the other node").isEqualTo(new Home.Here());
        }
        assertThat(b.place("weekly")).isEqualTo(new Home.Elsewhere("node-a", URI.create("https://a.example:8443/")));
        assertThat(a.heartbeat(status("a.example", 1, 2), List.of("weekly"))).isEmpty();
        assertThat(a.drainFlagged()).isTrue();
        assertThat(RedisMeetingPlacement.nodes(redisB)).extracting(ClusterNode::nodeId, ClusterNode::draining)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node-a", true), org.assertj.core.groups.Tuple.tuple("node-b", false));
    }

    @Test
    void aDrainingNodeHandsOverTheLeaseOfAMeetingThatIsNotLiveOnIt() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        var b = new RedisMeetingPlacement(redisB, "node-b", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        b.heartbeat(status("b.example", 0, 9), List.of());
        assertThat(a.place("ended")).isEqualTo(new Home.Here()); // its meeting ended; the lease is not released yet
        a.flagDraining();

        assertThat(a.placeAway("ended")).isInstanceOf(Home.Elsewhere.class);
        assertThat(redisA.commands().get(redisA.key("home:ended"))).isEqualTo("node-b");
    }

    @Test
    void withEveryNodeDrainingNoNewMeetingIsPlacedAndUndrainTakesMeetingsAgain() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        RedisMeetingPlacement.drain(redisB, "node-a");

        assertThat(a.place("m")).isInstanceOf(Home.Unavailable.class);
        assertThat(RedisMeetingPlacement.undrain(redisB, "node-a")).isTrue();
        assertThat(a.place("m")).isEqualTo(new Home.Here());
    }

    @Test
    void drainingAnUnknownNodeWritesNothing() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());

        assertThat(RedisMeetingPlacement.drain(redisB, "node-x")).isFalse();
        assertThat(RedisMeetingPlacement.undrain(redisB, "node-x")).isFalse();
        assertThat(redisB.commands().exists(redisB.key("drain:node-x"))).isZero();
    }

    @Test
    void aNodeThatLeavesTakesItsDrainFlagWithIt() {
        var a = new RedisMeetingPlacement(redisA, "node-a", LEASE, clock);
        a.heartbeat(status("a.example", 0, 0), List.of());
        a.flagDraining();
        a.leave();

        assertThat(redisA.commands().exists(redisA.key("drain:node-a"))).isZero();
    }
}
