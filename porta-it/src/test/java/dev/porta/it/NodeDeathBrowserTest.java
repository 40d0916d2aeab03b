// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.directory.TenantId;
import dev.porta.it.browser.MinimalJoinPages;
import dev.porta.it.browser.Participant;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The home node of a meeting dies mid-call, and the browsers' media comes back on the other node without the
 * page doing anything (docs/cluster.md, "A node dies").
 *
 * <p>Two nodes as in {@link ClusterJoinBrowserTest} (B plays the load balancer, the meeting lives on A). A
 * signed-in member (the organizer) and a guest join in Chromium through B, are sent to A and see and hear each
 * other. Then A dies: it is an in-process node, so {@code RunningPorta.crash()} stands in for SIGKILL (heartbeats,
 * HTTP and the SFU stop without a word; nothing is released in Redis; the lease lapses by itself). The library
 * resumes through B, B takes the meeting over once A's lease lapsed, answers with a new media session, and the
 * library negotiates new peer connections with B's SFU. The test prints the time from the kill until both pages
 * decode video on their new connections ({@code -Dporta.it.lease-ms}, default 2000, sets the lease, which
 * dominates it) and asserts only a generous bound.
 */
@Tag("browser")
class NodeDeathBrowserTest {
    private static final long LEASE_MS = Long.getLong("porta.it.lease-ms", 2000);
    private static final Duration BOUND = Duration.ofSeconds(30);
    static ClusterBrowsers env;
    static TwoNodeCluster cluster;
    static MinimalJoinPages pages;

    @BeforeAll
    static void start() throws Exception {
        env = ClusterBrowsers.start(Duration.ofMillis(LEASE_MS));
        cluster = env.cluster;
        pages = env.pages;
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void whenTheHomeNodeDiesAMemberAndAGuestSeeAndHearEachOtherAgainThroughTheOtherNode() throws Exception {
        JsonNode demo = cluster.nodeA.demo();
        String tenant = demo.get("tenantId").asText();
        OnlineMeeting meeting = cluster.scheduleMeeting("Outlives its node, with media");
        cluster.homeOnA(meeting.getId());
        var app = cluster.nodeA.server().meetings().directory().registerApp(new TenantId(tenant), "Test page", Set.of(),
                List.of("https://app.example/signed-in"));
        String memberToken = MemberSignIn.callingToken(cluster.nodeB, tenant, MemberSignIn.signIn(cluster.nodeB, tenant,
                app.clientId().value(), "https://app.example/signed-in", demo.at("/members/0/userPrincipalName").asText(),
                demo.at("/members/0/password").asText()));
        String memberName = demo.at("/members/0/displayName").asText();
        String guestToken = Sdk.identityClient(cluster.nodeB, cluster.nodeB.connectionString())
                .createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();

        List<String> memberSockets = new CopyOnWriteArrayList<>();
        List<String> guestSockets = new CopyOnWriteArrayList<>();
        Page member = pages.join(Participant.RED, "member", cluster.nodeB.baseUrl(), memberToken, null, meeting.getJoinWebUrl(),
                memberSockets);
        Page guest = pages.join(Participant.BLUE, "guest", cluster.nodeB.baseUrl(), guestToken, "Pat Guest", meeting.getJoinWebUrl(),
                guestSockets);
        pages.seesAndHears(member, "Pat Guest", Participant.BLUE);
        pages.seesAndHears(guest, memberName, Participant.RED);
        assertThat(guestSockets).as("through B to the home, A").containsExactly(cluster.socketOfB(), cluster.socketOfA());
        assertThat(cluster.nodeA.server().calling().meetings()).singleElement()
                .satisfies(s -> assertThat(s.participants()).isEqualTo(2));
        String memberId = (String) member.evaluate("() => window.call.participantId");
        String guestId = (String) guest.evaluate("() => window.call.participantId");
        int memberConnections = MinimalJoinPages.connections(member);
        int guestConnections = MinimalJoinPages.connections(guest);
        for (Page page : List.of(member, guest)) {
            // when the call went reconnecting and back, in ms since the kill
            page.evaluate("() => { window.__timeline = []; window.call.on('isReconnectingChanged', () => window.__timeline.push("
                    + "(window.call.isReconnecting ? 'reconnecting ' : 'reconnected ') + Math.round(performance.now() - window.__killed))); }");
            page.evaluate("() => { window.__killed = performance.now(); }");
        }

        long killedAt = System.nanoTime();
        cluster.nodeA.crash(); // stands in for SIGKILL: see the class comment
        long memberBack = -1;
        long guestBack = -1;
        long deadline = killedAt + BOUND.toNanos();
        while (memberBack < 0 || guestBack < 0) {
            assertThat(System.nanoTime()).as("video decoded on new peer connections on both pages within " + BOUND
                    + " of the kill (member's call " + member.evaluate("() => window.__timeline") + ", guest's "
                    + guest.evaluate("() => window.__timeline") + ")").isLessThan(deadline);
            long now = System.nanoTime();
            if (memberBack < 0 && MinimalJoinPages.videoFramesOnConnectionsAfter(member, memberConnections) > 0) {
                memberBack = now;
            }
            if (guestBack < 0 && MinimalJoinPages.videoFramesOnConnectionsAfter(guest, guestConnections) > 0) {
                guestBack = now;
            }
            Thread.sleep(50);
        }
        System.out.printf("node death, media (cluster.lease %d ms): kill -> video on new peer connections: member %d ms, guest %d ms;"
                + " member's call %s; guest's call %s%n", LEASE_MS, (memberBack - killedAt) / 1_000_000, (guestBack - killedAt) / 1_000_000,
                member.evaluate("() => window.__timeline"), guest.evaluate("() => window.__timeline"));

        // what a person would check: each sees the other's colour and hears the other's tone again, on B now
        pages.seesAndHears(member, "Pat Guest", Participant.BLUE);
        pages.seesAndHears(guest, memberName, Participant.RED);
        long seenAt = System.nanoTime();
        System.out.printf("node death, media (cluster.lease %d ms): kill -> both see each other's colour and hear each other's tone: %d ms%n",
                LEASE_MS, (seenAt - killedAt) / 1_000_000);
        for (Page page : List.of(member, guest)) {
            assertThat(page.evaluate("() => window.call.state")).isEqualTo("Connected");
            assertThat(page.evaluate("() => window.call.isReconnecting")).isEqualTo(false);
            assertThat(page.evaluate("() => window.call.isMuted")).as("the microphone stays on").isEqualTo(false);
            assertThat(page.evaluate("() => window.call.isLocalVideoStarted")).as("the camera stays on").isEqualTo(true);
        }
        assertThat(member.evaluate("() => window.call.participantId")).as("no rejoin").isEqualTo(memberId);
        assertThat(guest.evaluate("() => window.call.participantId")).as("no rejoin").isEqualTo(guestId);
        assertThat(member.evaluate("() => window.call.role")).isEqualTo("Organizer");
        assertThat(guestSockets.getLast()).as("the guest resumed through B").isEqualTo(cluster.socketOfB());
        assertThat(cluster.nodeB.server().calling().meetings()).singleElement()
                .satisfies(s -> assertThat(s.participants()).isEqualTo(2));
        assertThat(cluster.homeOf(meeting.getId())).isEqualTo("node-b");
    }
}
