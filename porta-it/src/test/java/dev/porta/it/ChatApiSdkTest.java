// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.communication.chat.ChatClientBuilder;
import com.azure.communication.chat.ChatThreadClient;
import com.azure.communication.chat.models.ChatErrorResponseException;
import com.azure.communication.chat.models.ChatMessage;
import com.azure.communication.chat.models.ChatParticipant;
import com.azure.communication.chat.models.SendChatMessageOptions;
import com.azure.communication.chat.models.UpdateChatMessageOptions;
import com.azure.communication.common.CommunicationTokenCredential;
import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.common.MicrosoftTeamsUserIdentifier;
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
 * The official {@code azure-communication-chat} Java SDK, configured with nothing but Porta's endpoint (and an
 * HTTP client that trusts Porta's self-signed certificate), on a meeting's chat thread ({@code chatInfo.threadId}
 * from the Graph SDK) against a running Porta, while the organizer takes part over the calling WebSocket.
 */
class ChatApiSdkTest {
    static RunningPorta porta;
    static GraphServiceClient graph;
    static CommunicationIdentityClient identities;
    static String organizerId;
    static String organizerToken;

    @BeforeAll
    static void start() throws Exception {
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
        porta.close();
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

    static ChatThreadClient thread(String token, OnlineMeeting meeting) {
        return new ChatClientBuilder().endpoint(porta.baseUrl().replaceAll("/+$", ""))
                .credential(new CommunicationTokenCredential(token)).httpClient(Sdk.trustingHttpClient(porta))
                .buildClient().getChatThreadClient(meeting.getChatInfo().getThreadId());
    }

    static void join(SignalingClient client, String token, OnlineMeeting meeting, String name) {
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", name);
    }

    /** The organizer connects, the guest waits in the lobby and is admitted. */
    static void admitted(SignalingClient organizer, SignalingClient guest, String guestToken, OnlineMeeting meeting)
            throws InterruptedException {
        join(organizer, organizerToken, meeting, "Organizer");
        organizer.awaitState("Connected");
        join(guest, guestToken, meeting, "Pat Guest");
        guest.awaitState("InLobby");
        String waiting = organizer.await("lobbyDelta").at("/participant/id").asText();
        organizer.send("admit", "id", "a1", "participantId", waiting);
        guest.awaitState("Connected");
    }

    static int statusOf(Throwable t) {
        return ((ChatErrorResponseException) t).getResponse().getStatusCode();
    }

    @Test
    void anAdmittedGuestSendsListsEditsAndDeletesThroughTheSdkAndTheOrganizerSeesItLive() throws Exception {
        OnlineMeeting meeting = schedule("Chat appointment", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            admitted(organizer, guestSocket, guest.getUserToken().getToken(), meeting);
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            String id = chat.sendMessage(new SendChatMessageOptions().setContent("Hello from the SDK")
                    .setSenderDisplayName("Pat Guest")).getId();
            JsonNode live = organizer.await("chatMessage", f -> f.path("text").asText().equals("Hello from the SDK"));
            assertThat(live.get("messageId").asText()).isEqualTo(id);
            assertThat(live.get("senderKind").asText()).isEqualTo("guest");

            organizer.send("chat", "id", "c1", "text", "Hello from the WebSocket");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            List<ChatMessage> listed = chat.listMessages().stream().toList();
            assertThat(listed).extracting(m -> m.getContent().getMessage())
                    .containsExactly("Hello from the WebSocket", "Hello from the SDK"); // newest first, as ACS lists
            assertThat(((MicrosoftTeamsUserIdentifier) listed.get(0).getSender()).getUserId())
                    .isEqualTo(organizerId);
            assertThat(((CommunicationUserIdentifier) listed.get(1).getSender()).getId())
                    .isEqualTo(guest.getUser().getId());

            chat.updateMessage(id, new UpdateChatMessageOptions().setContent("Hello, edited"));
            JsonNode liveEdit = organizer.await("chatMessageEdited");
            assertThat(liveEdit.get("messageId").asText()).isEqualTo(id);
            assertThat(liveEdit.get("text").asText()).isEqualTo("Hello, edited");
            ChatMessage edited = chat.getMessage(id);
            assertThat(edited.getContent().getMessage()).isEqualTo("Hello, edited");
            assertThat(edited.getEditedOn()).isNotNull();

            chat.deleteMessage(id);
            assertThat(organizer.await("chatMessageDeleted").get("messageId").asText()).isEqualTo(id);
            assertThatThrownBy(() -> chat.getMessage(id)).isInstanceOf(ChatErrorResponseException.class)
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(404));
            assertThat(chat.listMessages().stream().toList()).hasSize(1);
        }
    }

    @Test
    void aGuestSeesTheChatFromTheirAdmissionOnAndTheOrganizerWithACallingTokenSeesAll() throws Exception {
        OnlineMeeting meeting = schedule("History", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Before the guest");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("InLobby");
            organizer.send("admit", "id", "a1", "participantId", organizer.await("lobbyDelta").at("/participant/id").asText());
            guestSocket.awaitState("Connected");
            thread(guest.getUserToken().getToken(), meeting).sendMessage(new SendChatMessageOptions().setContent("After"));

            assertThat(thread(guest.getUserToken().getToken(), meeting).listMessages().stream().toList())
                    .extracting(m -> m.getContent().getMessage()).containsExactly("After");
            // a member's calling token works with the SDK's credential too
            List<ChatMessage> all = thread(organizerToken, meeting).listMessages().stream().toList();
            assertThat(all).extracting(m -> m.getContent().getMessage()).containsExactly("After", "Before the guest");

            // an edit of a message from before the guest's admission is not shown to the guest; a later one is
            ChatThreadClient organizerChat = thread(organizerToken, meeting);
            organizerChat.updateMessage(all.get(1).getId(), new UpdateChatMessageOptions().setContent("Secret edit"));
            organizerChat.sendMessage(new SendChatMessageOptions().setContent("Visible"));
            String visible = guestSocket.await("chatMessage", f -> f.path("text").asText().equals("Visible")).get("messageId").asText();
            organizerChat.updateMessage(visible, new UpdateChatMessageOptions().setContent("Visible, edited"));
            assertThat(guestSocket.await("chatMessageEdited").get("messageId").asText()).isEqualTo(visible);
        }
    }

    @Test
    void theSdkFollowsPortasNextLinkThroughManyPagesOfMessages() throws Exception {
        OnlineMeeting meeting = schedule("Pages", LobbyBypassScope.Everyone, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var guestSocket = new SignalingClient(porta)) {
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("Connected");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);
            for (int i = 1; i <= 25; i++) {
                chat.sendMessage(new SendChatMessageOptions().setContent("message " + i));
            }

            var pages = chat.listMessages(new com.azure.communication.chat.models.ListChatMessagesOptions().setMaxPageSize(10),
                    com.azure.core.util.Context.NONE).streamByPage().toList();
            assertThat(pages).hasSize(3);
            assertThat(pages.stream().flatMap(p -> p.getValue().stream()).map(m -> m.getContent().getMessage()).toList())
                    .hasSize(25).startsWith("message 25", "message 24").endsWith("message 1");
        }
    }

    @Test
    void aGuestCannotEditOrDeleteTheOrganizersMessage() throws Exception {
        OnlineMeeting meeting = schedule("Own messages", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            admitted(organizer, guestSocket, guest.getUserToken().getToken(), meeting);
            organizer.send("chat", "id", "c1", "text", "Organizer's words");
            String id = organizer.await("chatMessage").get("messageId").asText();
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            assertThatThrownBy(() -> chat.updateMessage(id, new UpdateChatMessageOptions().setContent("Forged")))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThatThrownBy(() -> chat.deleteMessage(id)).satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThat(chat.getMessage(id).getContent().getMessage()).isEqualTo("Organizer's words");
        }
    }

    @Test
    void theThreadListsTheConnectedParticipantsAndTheMeetingSubject() throws Exception {
        OnlineMeeting meeting = schedule("Roster on the thread", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            admitted(organizer, guestSocket, guest.getUserToken().getToken(), meeting);
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            List<ChatParticipant> people = chat.listParticipants().stream().toList();
            assertThat(people).extracting(p -> p.getCommunicationIdentifier().getRawId())
                    .containsExactly("8:orgid:" + organizerId, guest.getUser().getId());
            // a member is named as the directory names them; a guest as they joined
            assertThat(people.get(0).getDisplayName()).isNotBlank().isNotEqualTo("Organizer");
            assertThat(people.get(1).getDisplayName()).isEqualTo("Pat Guest");
            assertThat(chat.getProperties().getTopic()).isEqualTo("Roster on the thread");
            chat.sendTypingNotification();
        }
    }

    @Test
    void aReadReceiptIsListedForTheReaderAndTheMessage() throws Exception {
        OnlineMeeting meeting = schedule("Receipts", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            admitted(organizer, guestSocket, guest.getUserToken().getToken(), meeting);
            organizer.send("chat", "id", "c1", "text", "Please read");
            String id = organizer.await("chatMessage").get("messageId").asText();
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            chat.sendReadReceipt(id);
            var receipts = thread(organizerToken, meeting).listReadReceipts().stream().toList();
            assertThat(receipts).hasSize(1);
            assertThat(receipts.get(0).getChatMessageId()).isEqualTo(id);
            assertThat(receipts.get(0).getSender().getRawId()).isEqualTo(guest.getUser().getId());
            assertThatThrownBy(() -> chat.sendReadReceipt("m-999-nosuch")).satisfies(e -> assertThat(statusOf(e)).isEqualTo(404));
        }
    }

    @Test
    void aTypingNotificationReachesTheOtherParticipantsLiveAtMostOncePerEightSeconds() throws Exception {
        OnlineMeeting meeting = schedule("Typing", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            admitted(organizer, guestSocket, guest.getUserToken().getToken(), meeting);
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            chat.sendTypingNotification();
            JsonNode typing = organizer.await("typingIndicator");
            assertThat(typing.get("senderName").asText()).isEqualTo("Pat Guest");
            String guestParticipant = organizer.seen().stream().filter(f -> f.path("type").asText().equals("lobbyDelta"))
                    .findFirst().orElseThrow().at("/participant/id").asText();
            assertThat(typing.get("senderId").asText()).isEqualTo(guestParticipant);

            // a flood within 8 s succeeds for the sender (as with ACS) but is not relayed; frames arrive in order,
            // so once the message sent after it is here, every relayed typing frame is too
            for (int i = 0; i < 5; i++) {
                chat.sendTypingNotification();
            }
            chat.sendMessage(new SendChatMessageOptions().setContent("Done typing"));
            organizer.await("chatMessage", f -> f.path("text").asText().equals("Done typing"));
            assertThat(organizer.seen()).filteredOn(f -> f.path("type").asText().equals("typingIndicator")).hasSize(1);
            guestSocket.await("chatMessage", f -> f.path("text").asText().equals("Done typing"));
            assertThat(guestSocket.seen()).noneMatch(f -> f.path("type").asText().equals("typingIndicator")); // not to the typist
        }
    }

    @Test
    void aGuestInTheLobbyCanNeitherSignalTypingNorSendOrListReadReceipts() throws Exception {
        OnlineMeeting meeting = schedule("Lobby typing", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Inside");
            String id = organizer.await("chatMessage").get("messageId").asText();
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("InLobby");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            assertThatThrownBy(chat::sendTypingNotification).satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThatThrownBy(() -> chat.sendReadReceipt(id)).satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThatThrownBy(() -> chat.listReadReceipts().stream().toList())
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            organizer.send("chat", "id", "c2", "text", "Still inside");
            organizer.await("ack", f -> f.path("id").asText().equals("c2"));
            assertThat(organizer.seen()).noneMatch(f -> f.path("type").asText().equals("typingIndicator"));
            assertThat(thread(organizerToken, meeting).listReadReceipts().stream().toList()).isEmpty();
        }
    }

    @Test
    void aReadReceiptForAMessageOfAnotherMeetingOrWithAnOversizedIdIsRefused() throws Exception {
        OnlineMeeting mine = schedule("Mine, receipts", LobbyBypassScope.Everyone, MeetingChatMode.Enabled);
        OnlineMeeting theirs = schedule("Theirs, receipts", LobbyBypassScope.Everyone, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, theirs, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "In the other meeting");
            String elsewhere = organizer.await("chatMessage").get("messageId").asText();
            join(guestSocket, guest.getUserToken().getToken(), mine, "Pat Guest");
            guestSocket.awaitState("Connected");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), mine);

            assertThatThrownBy(() -> chat.sendReadReceipt(elsewhere)).satisfies(e -> assertThat(statusOf(e)).isEqualTo(404));
            assertThatThrownBy(() -> chat.sendReadReceipt("m-1-" + "x".repeat(5000)))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(400));
            assertThat(chat.listReadReceipts().stream().toList()).isEmpty();
            assertThat(thread(organizerToken, theirs).listReadReceipts().stream().toList()).isEmpty();
        }
    }

    @Test
    void aGuestSeesNoReadReceiptsForMessagesFromBeforeTheirAdmission() throws Exception {
        OnlineMeeting meeting = schedule("Receipts and history", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Before the guest");
            String before = organizer.await("chatMessage").get("messageId").asText();
            thread(organizerToken, meeting).sendReadReceipt(before);
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("InLobby");
            organizer.send("admit", "id", "a1", "participantId", organizer.await("lobbyDelta").at("/participant/id").asText());
            guestSocket.awaitState("Connected");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            assertThat(chat.listReadReceipts().stream().toList()).isEmpty();
            assertThatThrownBy(() -> chat.sendReadReceipt(before)).satisfies(e -> assertThat(statusOf(e)).isEqualTo(404));
            String after = chat.sendMessage(new SendChatMessageOptions().setContent("After")).getId();
            thread(organizerToken, meeting).sendReadReceipt(after);
            assertThat(chat.listReadReceipts().stream().toList()).singleElement()
                    .satisfies(r -> assertThat(r.getChatMessageId()).isEqualTo(after));
        }
    }

    @Test
    void aGuestWaitingInTheLobbyCannotUseTheThread() throws Exception {
        OnlineMeeting meeting = schedule("Lobby", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Not for the lobby");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("InLobby");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            assertThatThrownBy(() -> chat.sendMessage(new SendChatMessageOptions().setContent("Let me in")))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403))
                    // ACS's error body, read by the SDK into its exception
                    .satisfies(e -> assertThat(((ChatErrorResponseException) e).getValue().getCode()).isEqualTo("Forbidden"));
            assertThatThrownBy(() -> chat.listMessages().stream().toList())
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
        }
    }

    @Test
    void aMeetingWithChatDisabledRefusesTheGuestsMessage() throws Exception {
        OnlineMeeting meeting = schedule("No chat", LobbyBypassScope.Everyone, MeetingChatMode.Disabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var guestSocket = new SignalingClient(porta)) {
            join(guestSocket, guest.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("Connected");
            ChatThreadClient chat = thread(guest.getUserToken().getToken(), meeting);

            assertThatThrownBy(() -> chat.sendMessage(new SendChatMessageOptions().setContent("Anyone?")))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThat(chat.listMessages().stream().toList()).isEmpty();
        }
    }

    @Test
    void aGuestAdmittedToOneMeetingCannotUseAnotherMeetingsThread() throws Exception {
        OnlineMeeting mine = schedule("Mine", LobbyBypassScope.Everyone, MeetingChatMode.Enabled);
        OnlineMeeting theirs = schedule("Theirs", LobbyBypassScope.Organization, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken guest = chattingGuest();
        try (var organizer = new SignalingClient(porta); var guestSocket = new SignalingClient(porta)) {
            join(organizer, organizerToken, theirs, "Organizer");
            organizer.awaitState("Connected");
            organizer.send("chat", "id", "c1", "text", "Private to theirs");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            join(guestSocket, guest.getUserToken().getToken(), mine, "Pat Guest");
            guestSocket.awaitState("Connected");
            ChatThreadClient other = thread(guest.getUserToken().getToken(), theirs);

            assertThatThrownBy(() -> other.listMessages().stream().toList())
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThatThrownBy(() -> other.sendMessage(new SendChatMessageOptions().setContent("Hi")))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
            assertThat(thread(guest.getUserToken().getToken(), mine).listMessages().stream().toList()).isEmpty();
        }
    }

    /** One raw request, to see the status and ACS error body the SDK would turn into an exception. */
    static com.azure.core.http.HttpResponse raw(String method, String pathAndQuery, String token) {
        var request = new com.azure.core.http.HttpRequest(com.azure.core.http.HttpMethod.valueOf(method),
                porta.baseUrl().replaceAll("/+$", "") + pathAndQuery);
        if (token != null) {
            request.setHeader(com.azure.core.http.HttpHeaderName.AUTHORIZATION, "Bearer " + token);
        }
        return Sdk.trustingHttpClient(porta).sendSync(request, com.azure.core.util.Context.NONE);
    }

    @Test
    void refusalsCarryAcsErrorBodiesForAnUnknownThreadAMissingTokenAndAMissingApiVersion() throws Exception {
        String token = chattingGuest().getUserToken().getToken();
        String unknown = "/chat/threads/19%3Ameeting_nosuchthread%40thread.v2/messages";

        try (var notFound = raw("GET", unknown + "?api-version=2021-09-27", token);
             var noToken = raw("GET", unknown + "?api-version=2021-09-27", null);
             var noVersion = raw("GET", unknown, token)) {
            assertThat(notFound.getStatusCode()).isEqualTo(404);
            assertThat(notFound.getBodyAsString().block()).contains("\"code\":\"NotFound\"");
            assertThat(notFound.getHeaderValue("x-ms-error-code")).isEqualTo("NotFound");
            assertThat(noToken.getStatusCode()).isEqualTo(401);
            assertThat(noToken.getBodyAsString().block()).contains("\"code\":\"Unauthorized\"");
            assertThat(noVersion.getStatusCode()).isEqualTo(400);
        }
    }

    @Test
    void aGuestTokenWithoutTheChatScopeIsRefused() throws Exception {
        OnlineMeeting meeting = schedule("Voip only", LobbyBypassScope.Everyone, MeetingChatMode.Enabled);
        CommunicationUserIdentifierAndToken voipOnly = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        try (var guestSocket = new SignalingClient(porta)) {
            join(guestSocket, voipOnly.getUserToken().getToken(), meeting, "Pat Guest");
            guestSocket.awaitState("Connected");

            assertThatThrownBy(() -> thread(voipOnly.getUserToken().getToken(), meeting)
                    .sendMessage(new SendChatMessageOptions().setContent("Hi")))
                    .satisfies(e -> assertThat(statusOf(e)).isEqualTo(403));
        }
    }
}
