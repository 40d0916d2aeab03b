// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.SignalingClient.assertEndReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.communication.common.CommunicationTokenCredential;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.GetTokenForTeamsUserOptions;
import com.azure.core.credential.AccessToken;
import com.azure.core.exception.HttpResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.common.MutableClock;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.identity.TokenCheck;
import dev.porta.server.RunningPorta;
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
 * {@code CommunicationIdentityClient.getTokenForTeamsUser} of the official Java Identity SDK against a
 * running Porta: a member's directory token (from Porta's sign-in, as MSAL gets an Entra token) becomes
 * a communication token with which the member joins a meeting AS THE MEMBER, and the refusals ACS makes
 * answer with ACS's status and error body.
 */
class TeamsUserExchangeSdkTest {
    static MutableClock clock;
    static RunningPorta porta;
    static CommunicationIdentityClient identities;
    static GraphServiceClient graph;
    static String tenant;
    static String webClientId;
    static String organizerId;
    static String organizerGraphToken;
    static String expiredGraphToken;
    static JsonNode demo;

    @BeforeAll
    static void start() throws Exception {
        // Porta's clock starts two hours back, so a member token signed then has expired (by an hour) once
        // the clock is set to now; from then on Porta's and the SDK's clocks agree (the HMAC date check).
        clock = new MutableClock(Instant.now().minus(Duration.ofHours(2)));
        porta = RunningPorta.start(Map.of(), clock);
        demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        webClientId = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Custom Teams endpoint", Set.of(),
                List.of("https://app.example/signed-in")).clientId().value();
        expiredGraphToken = signIn(0);
        clock.set(Instant.now());
        organizerGraphToken = signIn(0);
        identities = Sdk.identityClient(porta, porta.connectionString());
        graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    static String signIn(int member) throws Exception {
        return MemberSignIn.signIn(porta, tenant, webClientId, "https://app.example/signed-in",
                demo.at("/members/" + member + "/userPrincipalName").asText(), demo.at("/members/" + member + "/password").asText());
    }

    static OnlineMeeting scheduleMeeting(String subject) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Organizer);
        m.setLobbyBypassSettings(lobby);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    @Test
    void aMembersDirectoryTokenBecomesACommunicationTokenThatExpiresWithItAndTheCredentialParses() throws Exception {
        AccessToken token = identities.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(organizerGraphToken, webClientId, organizerId));

        Instant graphExpiry = SignedJWT.parse(organizerGraphToken).getJWTClaimsSet().getExpirationTime().toInstant();
        assertThat(token.getExpiresAt().toInstant()).isEqualTo(graphExpiry);
        try (var credential = new CommunicationTokenCredential(token.getToken())) {
            assertThat(credential.getToken().block().getExpiresAt().toEpochSecond()).isEqualTo(graphExpiry.getEpochSecond());
        }
        assertThat(porta.server().accessTokens().check(token.getToken()))
                .isInstanceOfSatisfying(TokenCheck.TeamsUser.class, t -> {
                    assertThat(t.userObjectId()).isEqualTo(organizerId);
                    assertThat(t.tenantId()).isEqualTo(tenant);
                });
        JsonNode payload = new ObjectMapper().readTree(java.util.Base64.getDecoder().decode(token.getToken().split("\\.")[1]));
        assertThat(payload.get("skypeid").asText()).isEqualTo("orgid:" + organizerId);
    }

    @Test
    void theExchangedTokenJoinsTheMeetingAsTheMemberNotAsAGuest() throws Exception {
        // Only the organizer bypasses this meeting's lobby: a guest would wait there.
        OnlineMeeting meeting = scheduleMeeting("Custom Teams endpoint");
        String token = identities.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(organizerGraphToken, webClientId, organizerId))
                .getToken();
        try (var member = new SignalingClient(porta)) {
            member.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            JsonNode connected = member.awaitState("Connected");
            assertThat(connected.get("role").asText()).isEqualTo("organizer");
            JsonNode roster = member.await("roster").get("participants");
            assertThat(roster.findValuesAsText("rawId")).contains("8:orgid:" + organizerId);
        }
    }

    @Test
    void aWrongClientIdIsRefusedWithBadRequest() {
        var options = new GetTokenForTeamsUserOptions(organizerGraphToken, demo.at("/app/clientId").asText(), organizerId);

        assertThatThrownBy(() -> identities.getTokenForTeamsUser(options))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> {
                    assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("\"code\":\"InvalidAppId\"");
                });
    }

    @Test
    void aWrongUserIdIsRefusedWithBadRequest() {
        var options = new GetTokenForTeamsUserOptions(organizerGraphToken, webClientId, demo.at("/members/1/id").asText());

        assertThatThrownBy(() -> identities.getTokenForTeamsUser(options))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> {
                    assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("\"code\":\"InvalidUserId\"");
                });
    }

    @Test
    void anExpiredTokenIsRefusedAsACSRefusesIt() {
        var options = new GetTokenForTeamsUserOptions(expiredGraphToken, webClientId, organizerId);

        assertInvalidAccessToken(options);
    }

    @Test
    void anAppOnlyTokenIsRefusedWhateverIdsItIsGivenWith() throws Exception {
        String appToken = GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText())
                .getTokenSync(new com.azure.core.credential.TokenRequestContext().addScopes(GraphSdk.GRAPH_SCOPE)).getToken();
        String appObjectId = SignedJWT.parse(appToken).getJWTClaimsSet().getStringClaim("oid");

        assertInvalidAccessToken(new GetTokenForTeamsUserOptions(appToken, demo.at("/app/clientId").asText(), appObjectId));
    }

    @Test
    void aCallingTokenOrAGuestsCommunicationTokenCannotBeExchanged() throws Exception {
        String callingToken = MemberSignIn.callingToken(porta, tenant, organizerGraphToken);
        String guestToken = identities.createUserAndToken(List.of(com.azure.communication.identity.models.CommunicationTokenScope.VOIP))
                .getUserToken().getToken();

        assertInvalidAccessToken(new GetTokenForTeamsUserOptions(callingToken, webClientId, organizerId));
        assertInvalidAccessToken(new GetTokenForTeamsUserOptions(guestToken, webClientId, organizerId));
        assertInvalidAccessToken(new GetTokenForTeamsUserOptions("invalid", webClientId, organizerId));
    }

    @Test
    void anotherOrganizationsKeyCannotMintTokensForThisOrganizationsMembers() {
        var other = porta.server().identities().resourceFor("00000000-0000-4000-8000-0000000000ff");
        var foreign = Sdk.identityClient(porta, other.connectionString(porta.baseUrl()));

        var options = new GetTokenForTeamsUserOptions(organizerGraphToken, webClientId, organizerId);
        assertThatThrownBy(() -> foreign.getTokenForTeamsUser(options))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));
    }

    @Test
    void aMemberDisabledAfterTheExchangeCannotJoinWithTheExchangedToken() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Disabled member");
        String memberId = demo.at("/members/1/id").asText();
        String token = identities.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(signIn(1), webClientId, memberId)).getToken();
        var directory = porta.server().meetings().directory();
        directory.updateMember(new TenantId(tenant), new MemberId(memberId), null, null, false);
        try (var member = new SignalingClient(porta)) {
            member.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            assertEndReason(member.awaitState("Disconnected"), 495, 4509);
        } finally {
            directory.updateMember(new TenantId(tenant), new MemberId(memberId), null, null, true);
        }
    }

    private static void assertInvalidAccessToken(GetTokenForTeamsUserOptions options) {
        assertThatThrownBy(() -> identities.getTokenForTeamsUser(options))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> {
                    assertThat(e.getResponse().getStatusCode()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("{\"error\":{\"code\":\"InvalidAccessToken\",\"message\":\"Provided access token is not valid.\"}}");
                });
    }
}
