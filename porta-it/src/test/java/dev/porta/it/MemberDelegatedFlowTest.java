// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.TenantId;
import dev.porta.directory.oauth.Principal;
import dev.porta.server.RunningPorta;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member signs in on Porta's own sign-in page (authorization code + PKCE) and uses the delegated
 * token with the official Graph SDK on {@code /me/onlineMeetings}; the calling service's member check
 * accepts the same token.
 */
class MemberDelegatedFlowTest {
    static final String REDIRECT = "https://app.example/signed-in";
    static RunningPorta porta;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    @Test
    void aMemberSignsInWithPkceAndSchedulesTheirOwnMeetingThroughTheGraphSdk() throws Exception {
        String tenant = porta.demo().get("tenantId").asText();
        String user = porta.demo().at("/members/0/userPrincipalName").asText();
        String password = porta.demo().at("/members/0/password").asText();
        AppRegistration webApp = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(), List.of(REDIRECT));
        String token = MemberSignIn.signIn(porta, tenant, webApp.clientId().value(), REDIRECT, user, password);

        Principal.Member member = porta.server().meetings().tokens().verifyMember(token).orElseThrow();
        assertThat(member.userPrincipalName()).isEqualTo(user);

        GraphServiceClient graph = GraphSdk.graph(porta, GraphSdk.fixed(token));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("My own meeting");
        m.setStartDateTime(OffsetDateTime.parse("2030-03-01T09:00:00Z"));
        m.setEndDateTime(OffsetDateTime.parse("2030-03-01T10:00:00Z"));
        OnlineMeeting created = graph.me().onlineMeetings().post(m);
        assertThat(created.getParticipants().getOrganizer().getIdentity().getUser().getId()).isEqualTo(member.memberId().value());
        assertThat(graph.me().onlineMeetings().byOnlineMeetingId(created.getId()).get().getSubject()).isEqualTo("My own meeting");

        String other = porta.demo().at("/members/1/id").asText();
        assertThatThrownBy(() -> graph.users().byUserId(other).onlineMeetings().post(new OnlineMeeting()))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(403));
    }
}
