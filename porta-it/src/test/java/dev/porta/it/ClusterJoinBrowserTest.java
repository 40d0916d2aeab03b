// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.it.browser.MinimalJoinPages;
import dev.porta.it.browser.Participant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL and one Redis; node B plays the load balancer (every page, link and
 * token names it), and the meeting's home is node A. Two browsers load the library from B and join
 * there: each is sent to A ({@code joinElsewhere}), joins again there by itself, and they see and hear
 * each other through A's SFU.
 */
@Tag("browser")
class ClusterJoinBrowserTest {
    static ClusterBrowsers env;
    static TwoNodeCluster cluster;
    static MinimalJoinPages pages;

    @BeforeAll
    static void start() throws Exception {
        env = ClusterBrowsers.start(null);
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
    void twoGuestsWhoJoinAtANodeThatIsNotTheHomeAreSentToTheHomeAndSeeAndHearEachOtherThere() throws Exception {
        OnlineMeeting meeting = cluster.scheduleMeeting("Homed on A");
        assertThat(meeting.getJoinWebUrl()).startsWith("https://localhost:" + cluster.portB + "/");
        cluster.homeOnA(meeting.getId());
        CommunicationIdentityClient identities = Sdk.identityClient(cluster.nodeB, cluster.nodeB.connectionString());

        List<String> redSockets = new CopyOnWriteArrayList<>();
        List<String> blueSockets = new CopyOnWriteArrayList<>();
        Page red = pages.join(Participant.RED, "Red Guest", cluster.nodeB.baseUrl(), guestToken(identities), "Red Guest",
                meeting.getJoinWebUrl(), redSockets);
        Page blue = pages.join(Participant.BLUE, "Blue Guest", cluster.nodeB.baseUrl(), guestToken(identities), "Blue Guest",
                meeting.getJoinWebUrl(), blueSockets);

        pages.seesAndHears(red, "Blue Guest", Participant.BLUE);
        pages.seesAndHears(blue, "Red Guest", Participant.RED);
        assertThat(redSockets).containsExactly(cluster.socketOfB(), cluster.socketOfA());
        assertThat(blueSockets).containsExactly(cluster.socketOfB(), cluster.socketOfA());
        assertThat(cluster.nodeA.server().calling().meetings()).singleElement()
                .satisfies(s -> assertThat(s.participants()).isEqualTo(2));
        assertThat(cluster.nodeB.server().calling().meetings()).isEmpty();
        assertThat(red.textContent("#status")).isEqualTo("Connected");
    }

    private static String guestToken(CommunicationIdentityClient identities) {
        return identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
    }
}
