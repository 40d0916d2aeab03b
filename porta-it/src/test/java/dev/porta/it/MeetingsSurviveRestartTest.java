// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.server.RunningPorta;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Meetings, the app's access and the issuer's keys are stored: a restarted Porta serves the same meeting. */
class MeetingsSurviveRestartTest {

    @Test
    void aMeetingCreatedBeforeARestartIsFoundAfterItByIdAndByItsOldJoinLink() {
        OnlineMeeting created;
        String dataDir;
        try (RunningPorta first = RunningPorta.start()) {
            dataDir = first.dataDir().toString();
            created = client(first).users().byUserId(first.demo().at("/members/0/id").asText()).onlineMeetings()
                    .post(GraphMeetingsSdkTest.newMeetingFor(first.demo().at("/members/1/id").asText(), "Before the restart"));
        }
        try (RunningPorta second = RunningPorta.start(Map.of("data.dir", dataDir), Clock.systemUTC())) {
            var meetings = client(second).users().byUserId(second.demo().at("/members/0/id").asText()).onlineMeetings();
            assertThat(meetings.byOnlineMeetingId(created.getId()).get().getSubject()).isEqualTo("Before the restart");
            var byOldLink = meetings.get(rc -> rc.queryParameters.filter = "JoinWebUrl eq '" + created.getJoinWebUrl() + "'");
            assertThat(byOldLink.getValue()).singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(created.getId()));
        }
    }

    private static GraphServiceClient client(RunningPorta porta) {
        return GraphSdk.graph(porta, GraphSdk.credential(porta, porta.demo().get("tenantId").asText(),
                porta.demo().at("/app/clientId").asText(), porta.demo().at("/app/clientSecret").asText()));
    }
}
