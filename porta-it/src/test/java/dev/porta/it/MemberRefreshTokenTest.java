// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.common.MutableClock;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member's long day on a running Porta (TLS): signed in once with {@code offline_access} as MSAL asks,
 * the app renews the Graph token with rotating refresh tokens past several access-token lifetimes,
 * schedules with the Graph SDK and joins with a calling token exchanged from the renewed token; a
 * replayed refresh token and a new password end the sign-in.
 */
class MemberRefreshTokenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIRECT = "https://app.example/signed-in";
    private static final String SCOPE = "https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile offline_access";

    static MutableClock clock;
    static RunningPorta porta;
    static JsonNode demo;
    static String tenant;
    static String clientId;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now());
        porta = RunningPorta.start(Map.of("directory.refresh-token-lifetime", "8h"), clock);
        demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        clientId = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(), List.of(REDIRECT))
                .clientId().value();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    static JsonNode signIn(int member) throws Exception {
        return MemberSignIn.signIn(porta, tenant, clientId, REDIRECT, demo.at("/members/" + member + "/userPrincipalName").asText(),
                demo.at("/members/" + member + "/password").asText(), SCOPE);
    }

    @Test
    void aMemberSignedInOnceKeepsSchedulingAndJoiningAcrossThreeAccessTokenLifetimes() throws Exception {
        JsonNode answer = signIn(0);
        assertThat(answer.get("refresh_token_expires_in").asLong()).isEqualTo(Duration.ofHours(8).toSeconds());
        String organizerId = demo.at("/members/0/id").asText();
        for (int hour = 1; hour <= 3; hour++) {
            // Porta's clock passes the access token's end; the app renewed it a few minutes before.
            clock.advance(Duration.ofMinutes(55));
            HttpResponse<String> renewed = MemberSignIn.refresh(porta, tenant, clientId, answer.get("refresh_token").asText(), SCOPE);
            assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
            JsonNode next = JSON.readTree(renewed.body());
            assertThat(next.get("refresh_token").asText()).isNotEqualTo(answer.get("refresh_token").asText());
            answer = next;
            clock.advance(Duration.ofMinutes(5));
        }
        // Schedule and join with what the last renewal gave (clock 3 h after the sign-in).
        GraphServiceClient graph = GraphSdk.graph(porta, GraphSdk.fixed(answer.get("access_token").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Long day");
        m.setStartDateTime(OffsetDateTime.now().plusHours(4));
        m.setEndDateTime(OffsetDateTime.now().plusHours(5));
        OnlineMeeting created = graph.me().onlineMeetings().post(m);
        assertThat(created.getJoinWebUrl()).isNotBlank();
        String callingToken = MemberSignIn.callingToken(porta, tenant, answer.get("access_token").asText());
        assertThat(porta.server().meetings().tokens().verifyCallingMember(callingToken))
                .hasValueSatisfying(member -> assertThat(member.memberId().value()).isEqualTo(organizerId));
    }

    @Test
    void aMemberInAMeetingStaysConnectedAcrossThreeAccessTokenLifetimesByRefreshing() throws Exception {
        JsonNode signIn = signIn(0);
        String graphToken = signIn.get("access_token").asText();
        String refreshToken = signIn.get("refresh_token").asText();
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Marathon");
        m.setStartDateTime(clock.instant().minus(Duration.ofMinutes(5)).atOffset(java.time.ZoneOffset.UTC));
        m.setEndDateTime(clock.instant().plus(Duration.ofHours(5)).atOffset(java.time.ZoneOffset.UTC));
        OnlineMeeting meeting = GraphSdk.graph(porta, GraphSdk.fixed(graphToken)).me().onlineMeetings().post(m);
        Instant end = clock.instant().plus(Duration.ofHours(3)).plus(Duration.ofMinutes(10));

        try (var member = new SignalingClient(porta)) {
            member.send("join", "token", MemberSignIn.callingToken(porta, tenant, graphToken), "locator",
                    Map.of("meetingLink", meeting.getJoinWebUrl()));
            member.awaitState("Connected");
            int step = 0;
            while (clock.instant().isBefore(end)) {
                // What the members' app does: renew the sign-in before it ends, and the calling token from it.
                if (expiry(graphToken).minus(Duration.ofMinutes(10)).isBefore(clock.instant())) {
                    JsonNode renewed = JSON.readTree(MemberSignIn.refresh(porta, tenant, clientId, refreshToken, SCOPE).body());
                    graphToken = renewed.get("access_token").asText();
                    refreshToken = renewed.get("refresh_token").asText();
                }
                String id = "u" + step++;
                member.send("updateToken", "id", id, "token", MemberSignIn.callingToken(porta, tenant, graphToken));
                member.await("ack", f -> f.path("id").asText().equals(id));
                clock.advance(Duration.ofMinutes(8)); // calling tokens live 10 minutes
            }
            assertThat(member.seen()).noneMatch(f -> f.path("state").asText().equals("Disconnected"));
            assertThat(step).isGreaterThan(20);
        }
    }

    private static Instant expiry(String jwt) throws Exception {
        return com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getExpirationTime().toInstant();
    }

    @Test
    void aReplayedRefreshTokenEndsTheSignInForBothHolders() throws Exception {
        String stolen = signIn(1).get("refresh_token").asText();
        String legit = JSON.readTree(MemberSignIn.refresh(porta, tenant, clientId, stolen, SCOPE).body()).get("refresh_token").asText();

        HttpResponse<String> replay = MemberSignIn.refresh(porta, tenant, clientId, stolen, SCOPE);
        HttpResponse<String> after = MemberSignIn.refresh(porta, tenant, clientId, legit, SCOPE);

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(replay.body()).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(after.statusCode()).isEqualTo(400);
    }

    @Test
    void aNewPasswordEndsTheMembersSignIns() throws Exception {
        String rt = signIn(1).get("refresh_token").asText();
        var directory = porta.server().meetings().directory();
        String memberId = demo.at("/members/1/id").asText();

        directory.updateMember(new TenantId(tenant), new MemberId(memberId), null, demo.at("/members/1/password").asText(), null);

        HttpResponse<String> refused = MemberSignIn.refresh(porta, tenant, clientId, rt, SCOPE);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error_codes/0").asInt()).isEqualTo(50173);
    }
}
