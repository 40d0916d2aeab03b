// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.MeetingChatMode;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official {@code @azure/communication-chat} SDK for JavaScript, on Node, configured with nothing but Porta's
 * endpoint, on a meeting's thread ({@code chatInfo.threadId} from the Graph SDK) against a running Porta over TLS;
 * the guest's identity and token come from the Java Identity SDK, the organizer takes part over the calling
 * WebSocket.
 */
class ChatJsSdkTest {
    static RunningPorta porta;
    static GraphServiceClient graph;
    static CommunicationIdentityClient identities;
    static String organizerId;
    static String organizerToken;

    @BeforeAll
    static void start() throws Exception {
        NodeChatSdk.require();
        porta = RunningPorta.on("h2");
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        identities = Sdk.identityClient(porta, porta.connectionString());
        var web = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(),
                List.of("https://app.example/signed-in"));
        String graphToken = MemberSignIn.signIn(porta, tenant, web.clientId().value(), "https://app.example/signed-in",
                demo.at("/members/0/userPrincipalName").asText(), demo.at("/members/0/password").asText());
        organizerToken = MemberSignIn.callingToken(porta, tenant, graphToken);
    }

    @AfterAll
    static void stop() {
        if (porta != null) {
            porta.close();
        }
    }

    static OnlineMeeting schedule(String subject, LobbyBypassScope bypass, MeetingChatMode chat) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(bypass);
        m.setLobbyBypassSettings(lobby);
        m.setAllowMeetingChat(chat);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    static CommunicationUserIdentifierAndToken chattingGuest() {
        return identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP, CommunicationTokenScope.CHAT));
    }

    static void join(SignalingClient client, String token, OnlineMeeting meeting, String name) {
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", name);
    }

    static JsonNode node(String mode, String token, OnlineMeeting meeting, String readMessageId) throws Exception {
        return NodeChatSdk.run(porta, Map.of("mode", mode, "token", token, "threadId", meeting.getChatInfo().getThreadId(),
                "readMessageId", readMessageId == null ? "" : readMessageId));
    }

    @Test
    void anAdmittedGuestUsesEveryThreadOperationOfTheJsSdkAndTheOrganizerSeesItLive() throws Exception {
        OnlineMeeting meeting = schedule("Chat from Node", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Welcome");
            organizer.await("chatMessage");
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("InLobby");
            organizer.send("admit", "id", "a1", "participantId", organizer.await("lobbyDelta").at("/participant/id").asText());
            guestSocket.awaitState("Connected");
            // the welcome was sent before the guest's admission: the guest does not see it (the meeting shares no history)
            organizer.send("chat", "id", "c2", "text", "Glad you are here");
            String toRead = organizer.await("chatMessage", f -> f.path("text").asText().equals("Glad you are here"))
                    .get("messageId").asText();

            JsonNode out = node("tour", guest.getUserToken().getToken(), meeting, toRead);

            assertThat(out.get("topic").asText()).isEqualTo("Chat from Node");
            String sent = out.get("sentId").asText();
            assertThat(out.get("listed")).extracting(m -> m.get("content").asText())
                    .containsExactly("Hello from Node", "Glad you are here"); // newest first; not the pre-admission welcome
            assertThat(out.at("/listed/0/sender").asText()).isEqualTo(guest.getUser().getId());
            assertThat(out.at("/listed/1/senderKind").asText()).isEqualTo("microsoftTeamsUser");
            assertThat(out.at("/listed/1/sender").asText()).isEqualTo(organizerId);
            assertThat(out.at("/edited/content").asText()).isEqualTo("Hello from Node, edited");
            assertThat(out.at("/edited/editedOn").isNull()).isFalse();
            assertThat(out.get("participants")).extracting(p -> p.get("kind").asText())
                    .containsExactly("microsoftTeamsUser", "communicationUser");
            assertThat(out.at("/participants/1/rawId").asText()).isEqualTo(guest.getUser().getId());
            assertThat(out.at("/participants/1/displayName").asText()).isEqualTo("Pat Guest");
            assertThat(out.get("typingSent").asBoolean()).isTrue();
            assertThat(out.get("secondTypingSent").asBoolean()).isFalse(); // the JS SDK itself sends one per 8 s
            assertThat(out.get("readReceipts")).singleElement().satisfies(r -> {
                assertThat(r.get("chatMessageId").asText()).isEqualTo(toRead);
                assertThat(r.get("sender").asText()).isEqualTo(guest.getUser().getId());
            });
            assertThat(out.at("/unknownReceipt/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/afterDelete/error/status").asInt()).isEqualTo(404);
            assertThat(out.get("listedAfterDelete")).extracting(JsonNode::asText).containsExactly("Glad you are here");
            // the meeting decides who is on its thread: the SDK gets an error, nobody is added
            assertThat(out.at("/addParticipants/ok").asBoolean()).isFalse();
            assertThat(out.at("/addParticipants/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/removeParticipant/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/createThread/error/status").asInt()).isEqualTo(404);

            // what the organizer saw live over the calling WebSocket
            assertThat(organizer.await("chatMessageEdited").get("messageId").asText()).isEqualTo(sent);
            assertThat(organizer.await("typingIndicator").get("senderName").asText()).isEqualTo("Pat Guest");
            assertThat(organizer.await("chatMessageDeleted").get("messageId").asText()).isEqualTo(sent);
            assertThat(organizer.seen()).filteredOn(f -> f.path("type").asText().equals("chatMessage"))
                    .extracting(f -> f.get("text").asText()).contains("Hello from Node");
        }
    }

    @Test
    void theJsSdkIsRefusedForAGuestInTheLobbyAnotherMeetingsThreadAndAMeetingWithoutChat() throws Exception {
        OnlineMeeting lobbyMeeting = schedule("Lobby from Node", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        OnlineMeeting noChat = schedule("No chat from Node", LobbyBypassScope.Everyone, MeetingChatMode.Disabled);
        CommunicationUserIdentifierAndToken waiting = chattingGuest();
        CommunicationUserIdentifierAndToken muted = chattingGuest();
        try (var organizer = new SignalingClient(porta); var waitingSocket = new SignalingClient(porta);
             var mutedSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, lobbyMeeting, "Organizer");
            organizer.awaitState("Connected");
            join(waitingSocket, waiting.getUserToken().getToken(), lobbyMeeting, "Waiting Guest");
            waitingSocket.awaitState("InLobby");
            join(mutedSocket, muted.getUserToken().getToken(), noChat, "Quiet Guest");
            mutedSocket.awaitState("Connected");

            JsonNode inLobby = node("probe", waiting.getUserToken().getToken(), lobbyMeeting, null);
            assertThat(inLobby.at("/list/error/status").asInt()).isEqualTo(403);
            assertThat(inLobby.at("/send/error/status").asInt()).isEqualTo(403);
            assertThat(inLobby.at("/send/error/code").asText()).isEqualTo("Forbidden");

            JsonNode elsewhere = node("probe", muted.getUserToken().getToken(), lobbyMeeting, null);
            assertThat(elsewhere.at("/send/error/status").asInt()).isEqualTo(403);

            JsonNode disabled = node("probe", muted.getUserToken().getToken(), noChat, null);
            assertThat(disabled.at("/list/value").asInt()).isZero();
            assertThat(disabled.at("/send/error/status").asInt()).isEqualTo(403);
            assertThat(organizer.seen()).noneMatch(f -> f.path("type").asText().equals("chatMessage"));
        }
    }
}
