// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.SignalingClient.assertEndReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole signaling path on a running Porta: the custom application schedules and reads a meeting
 * with the official Graph SDK, mints a guest identity and token with the official Identity SDK, and
 * the guest and the organizer take part over the calling WebSocket (wss). Media is exercised by the
 * browser tests.
 */
@ParameterizedClass(name = "on {0}")
@ValueSource(strings = {"h2", "postgresql"})
class LiveMeetingTest {
    /** The database this Porta runs on ("h2" or "postgresql"); the lifecycle methods receive it too. */
    @Parameter
    String database;
    static RunningPorta porta;
    static GraphServiceClient graph;
    static CommunicationIdentityClient identities;
    static String tenant;
    static String organizerId;
    static String organizerToken;
    static String organizerGraphToken;

    @BeforeParameterizedClassInvocation
    static void start(String database) throws Exception {
        porta = RunningPorta.on(database);
        JsonNode demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        identities = Sdk.identityClient(porta, porta.connectionString());
        var web = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(),
                List.of("https://app.example/signed-in"));
        organizerGraphToken = MemberSignIn.signIn(porta, tenant, web.clientId().value(), "https://app.example/signed-in",
                demo.at("/members/0/userPrincipalName").asText(), demo.at("/members/0/password").asText());
        organizerToken = MemberSignIn.callingToken(porta, tenant, organizerGraphToken);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        porta.close();
    }

    @AfterEach
    void restoreDefaultPolicy() {
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId), Optional.empty());
    }

    static OnlineMeeting scheduleMeeting(String subject) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Organization);
        m.setLobbyBypassSettings(lobby);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    static String guestToken() {
        CommunicationUserIdentifierAndToken guest = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        return guest.getUserToken().getToken();
    }

    @Test
    void theOrganizerSeesTheGuestByTheAcsIdentityTheAppMintedAndTheGuestSeesTheOrganizerAsATeamsUser() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Identities");
        CommunicationUserIdentifierAndToken minted = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        try (var guest = new SignalingClient(porta); var organizer = new SignalingClient(porta)) {
            organizer.send("join", "token", organizerToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            organizer.awaitState("Connected");
            guest.send("join", "token", minted.getUserToken().getToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Pat Guest");
            guest.awaitState("InLobby");
            JsonNode waiting = organizer.await("lobbyDelta").get("participant");
            assertThat(waiting.get("rawId").asText()).isEqualTo(minted.getUser().getId()).startsWith("8:acs:");

            organizer.send("admit", "id", "a1", "participantId", waiting.get("id").asText());
            guest.awaitState("Connected");
            JsonNode added = organizer.await("rosterDelta", f -> f.path("op").asText().equals("added"));
            assertThat(added.at("/participant/rawId").asText()).isEqualTo(minted.getUser().getId());
            JsonNode roster = guest.await("roster").get("participants");
            assertThat(roster.findValuesAsText("rawId")).contains("8:orgid:" + organizerId, minted.getUser().getId());
        }
    }

    @Test
    void aPrivacyPolicyWithoutSeeGuestIdentitiesHidesOneGuestsIdentityFromAnother() throws Exception {
        EnumSet<GuestCapability> private_ = EnumSet.copyOf(GuestCapability.defaults());
        private_.remove(GuestCapability.SEE_GUEST_IDENTITIES);
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId),
                Optional.of(new MeetingPolicy(true, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), private_)));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Private");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings everyone = new LobbyBypassSettings();
        everyone.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(everyone);
        OnlineMeeting meeting = graph.users().byUserId(organizerId).onlineMeetings().post(m);
        CommunicationUserIdentifierAndToken ada = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        try (var first = new SignalingClient(porta); var second = new SignalingClient(porta); var organizer = new SignalingClient(porta)) {
            organizer.send("join", "token", organizerToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            organizer.awaitState("Connected");
            first.send("join", "token", ada.getUserToken().getToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Ada Guest");
            first.awaitState("Connected");
            second.send("join", "token", guestToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Bob Guest");
            second.awaitState("Connected");
            JsonNode seenBySecond = null;
            for (JsonNode p : second.await("roster").get("participants")) {
                if (p.get("displayName").asText().equals("Ada Guest")) {
                    seenBySecond = p;
                }
            }
            assertThat(seenBySecond).isNotNull();
            assertThat(seenBySecond.has("rawId")).isFalse();
            JsonNode seenByOrganizer = organizer.await("rosterDelta",
                    f -> f.at("/participant/displayName").asText().equals("Ada Guest")).get("participant");
            assertThat(seenByOrganizer.get("rawId").asText()).isEqualTo(ada.getUser().getId());
        }
    }

    @Test
    void aGuestWaitsInTheLobbyIsAdmittedByTheOrganizerAndIsRefusedMembersOnlyFeatures() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Virtual appointment");
        try (var guest = new SignalingClient(porta); var organizer = new SignalingClient(porta)) {
            guest.send("join", "token", guestToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Pat Guest");
            JsonNode waiting = guest.awaitState("InLobby");
            assertThat(waiting.at("/meeting/subject").asText()).isEqualTo("Virtual appointment");

            organizer.send("join", "token", organizerToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            JsonNode connected = organizer.awaitState("Connected");
            assertThat(connected.get("role").asText()).isEqualTo("organizer");
            JsonNode lobby = organizer.await("lobby");
            assertThat(lobby.get("participants")).hasSize(1);
            JsonNode waitingGuest = lobby.get("participants").get(0);
            assertThat(waitingGuest.get("displayName").asText()).isEqualTo("Pat Guest");
            assertThat(waitingGuest.get("kind").asText()).isEqualTo("guest");

            organizer.send("admit", "id", "a1", "participantId", waitingGuest.get("id").asText());
            organizer.await("ack", f -> f.path("id").asText().equals("a1"));
            JsonNode admitted = guest.awaitState("Connected");
            // A guest attends and does not moderate under the default policy (review M1).
            assertThat(admitted.get("role").asText()).isEqualTo("attendee");
            assertThat(admitted.get("capabilities").toString()).contains("audio", "video", "chat")
                    .doesNotContain("screenShare", "raiseHand", "togetherMode", "breakoutRooms", "admitFromLobby", "manageParticipants");
            JsonNode added = organizer.await("rosterDelta", f -> f.path("op").asText().equals("added"));
            assertThat(added.at("/participant/kind").asText()).isEqualTo("guest");
            assertThat(added.at("/participant/displayName").asText()).isEqualTo("Pat Guest");

            guest.send("raiseHand", "id", "h1");
            JsonNode refused = guest.await("error", f -> f.path("id").asText().equals("h1"));
            assertThat(refused.get("message").asText()).isNotBlank();
            guest.send("togetherMode", "id", "t1", "active", true);
            guest.await("error", f -> f.path("id").asText().equals("t1"));

            guest.send("chat", "id", "c1", "text", "Hello from outside");
            JsonNode chat = organizer.await("chatMessage");
            assertThat(chat.get("senderName").asText()).isEqualTo("Pat Guest");
            assertThat(chat.get("senderKind").asText()).isEqualTo("guest");

            organizer.send("endMeeting", "id", "e1");
            assertEndReason(guest.awaitState("Disconnected"), 0, 4097);
        }
    }

    @Test
    void aGuestIsRefusedWhenTheOrganizersPolicyDisablesAnonymousJoin() throws Exception {
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId),
                Optional.of(new MeetingPolicy(false, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), GuestCapability.defaults())));
        OnlineMeeting meeting = scheduleMeeting("Members only");
        try (var guest = new SignalingClient(porta)) {
            guest.send("join", "token", guestToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Pat Guest");

            assertEndReason(guest.awaitState("Disconnected"), 403, 5222);
        }
    }

    @Test
    void revokingTheGuestsTokensWithTheIdentitySdkDisconnectsTheGuestAtOnce() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Revocation");
        CommunicationUserIdentifierAndToken guestIdentity = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        try (var guest = new SignalingClient(porta)) {
            guest.send("join", "token", guestIdentity.getUserToken().getToken(), "locator",
                    Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", "Pat Guest");
            guest.awaitState("InLobby");

            identities.revokeTokens(guestIdentity.getUser());

            assertEndReason(guest.awaitState("Disconnected"), 495, 4509);
        }
    }

    @Test
    void aMembersGraphTokenCannotJoinAMeetingAndTheirCallingTokenCannotUseTheGraphApi() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("Separate audiences");
        try (var withGraphToken = new SignalingClient(porta); var withCallingToken = new SignalingClient(porta)) {
            withGraphToken.send("join", "token", organizerGraphToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            assertEndReason(withGraphToken.awaitState("Disconnected"), 495, 4507);

            withCallingToken.send("join", "token", organizerToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            assertThat(withCallingToken.awaitState("Connected").get("role").asText()).isEqualTo("organizer");
        }
        var found = findMyMeeting(organizerGraphToken, meeting.getJoinWebUrl());
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("Separate audiences");
        var refused = findMyMeeting(organizerToken, meeting.getJoinWebUrl());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("Separate audiences");
    }

    private static java.net.http.HttpResponse<String> findMyMeeting(String bearer, String joinWebUrl) throws Exception {
        String filter = java.net.URLEncoder.encode("JoinWebUrl eq '" + joinWebUrl + "'", java.nio.charset.StandardCharsets.UTF_8);
        return porta.httpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(porta.baseUrl()
                        + "v1.0/me/onlineMeetings?$filter=" + filter))
                .header("Authorization", "Bearer " + bearer).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void joiningByMeetingIdNeedsTheRightPasscode() throws Exception {
        OnlineMeeting meeting = scheduleMeeting("By meeting ID");
        String meetingId = meeting.getJoinMeetingIdSettings().getJoinMeetingId();
        String passcode = meeting.getJoinMeetingIdSettings().getPasscode();
        try (var wrong = new SignalingClient(porta); var right = new SignalingClient(porta)) {
            wrong.send("join", "token", guestToken(), "locator", Map.of("meetingId", meetingId, "passcode", passcode + "x"),
                    "displayName", "Pat Guest");
            assertEndReason(wrong.awaitState("Disconnected"), 403, 5251);

            right.send("join", "token", guestToken(), "locator", Map.of("meetingId", meetingId, "passcode", passcode),
                    "displayName", "Pat Guest");
            assertThat(right.awaitState("InLobby").at("/meeting/subject").asText()).isEqualTo("By meeting ID");
        }
    }
}
