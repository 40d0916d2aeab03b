// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.chat.ChatClientBuilder;
import com.azure.communication.chat.ChatThreadClient;
import com.azure.communication.chat.models.ChatMessageReadReceipt;
import com.azure.communication.chat.models.SendChatMessageOptions;
import com.azure.communication.common.CommunicationTokenCredential;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.MeetingChatMode;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.common.testing.TestDatabases;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.nio.file.Files;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Read receipts sent with the official Java chat SDK are stored with the meeting's chat: a Porta restarted on the
 * same database (and data directory) lists them to the organizer when the meeting's session starts again.
 */
class ChatReadReceiptsSurviveRestartTest {

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aGuestsReadReceiptIsListedAfterARestart(String db) throws Exception {
        Map<String, String> keys = new HashMap<>(Map.of("data.dir", Files.createTempDirectory("porta-restart-").toString()));
        TestDatabases.EmptyPostgres pg = db.equals("postgresql") ? TestDatabases.emptyPostgres() : null;
        if (pg != null) {
            keys.putAll(Map.of("db.url", pg.url(), "db.user", pg.user(), "db.password", ""));
        }
        try (AutoCloseable database = pg != null ? pg : () -> { }) {
            OnlineMeeting meeting;
            CommunicationUserIdentifierAndToken guest;
            String messageId;
            try (RunningPorta first = RunningPorta.start(keys, Clock.systemUTC())) {
                meeting = schedule(first);
                guest = Sdk.identityClient(first, first.connectionString())
                        .createUserAndToken(List.of(CommunicationTokenScope.VOIP, CommunicationTokenScope.CHAT));
                try (var socket = new SignalingClient(first)) {
                    join(socket, guest.getUserToken().getToken(), meeting);
                    ChatThreadClient chat = thread(first, guest.getUserToken().getToken(), meeting);
                    messageId = chat.sendMessage(new SendChatMessageOptions().setContent("Read before the restart")).getId();
                    chat.sendReadReceipt(messageId);
                }
            }
            try (RunningPorta second = RunningPorta.start(keys, Clock.systemUTC());
                 var socket = new SignalingClient(second)) {
                // the organizer (members see the meeting's whole history) opens the meeting again and checks who read
                String organizer = organizerToken(second);
                join(socket, organizer, meeting);
                List<ChatMessageReadReceipt> receipts = thread(second, organizer, meeting).listReadReceipts().stream().toList();
                assertThat(receipts).singleElement().satisfies(r -> {
                    assertThat(r.getChatMessageId()).isEqualTo(messageId);
                    assertThat(r.getSender().getRawId()).isEqualTo(guest.getUser().getId());
                    assertThat(r.getReadOn()).isNotNull();
                });
            }
        }
    }

    private static OnlineMeeting schedule(RunningPorta porta) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Receipts across a restart");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        m.setAllowMeetingChat(MeetingChatMode.Enabled);
        // members who open the meeting later see its earlier chat (and so the receipts for it)
        m.setShareMeetingChatHistoryDefault(com.microsoft.graph.models.MeetingChatHistoryDefaultMode.All);
        var graph = GraphSdk.graph(porta, GraphSdk.credential(porta, porta.demo().get("tenantId").asText(),
                porta.demo().at("/app/clientId").asText(), porta.demo().at("/app/clientSecret").asText()));
        return graph.users().byUserId(porta.demo().at("/members/0/id").asText()).onlineMeetings().post(m);
    }

    private static String organizerToken(RunningPorta porta) throws Exception {
        String tenant = porta.demo().get("tenantId").asText();
        var web = porta.server().meetings().directory().registerApp(new TenantId(tenant), "Members' app", Set.of(),
                List.of("https://app.example/signed-in"));
        String graphToken = MemberSignIn.signIn(porta, tenant, web.clientId().value(), "https://app.example/signed-in",
                porta.demo().at("/members/0/userPrincipalName").asText(), porta.demo().at("/members/0/password").asText());
        return MemberSignIn.callingToken(porta, tenant, graphToken);
    }

    private static void join(SignalingClient socket, String token, OnlineMeeting meeting) throws InterruptedException {
        socket.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", "Pat Guest");
        socket.awaitState("Connected");
    }

    private static ChatThreadClient thread(RunningPorta porta, String token, OnlineMeeting meeting) {
        return new ChatClientBuilder().endpoint(porta.baseUrl().replaceAll("/+$", ""))
                .credential(new CommunicationTokenCredential(token)).httpClient(Sdk.trustingHttpClient(porta))
                .buildClient().getChatThreadClient(meeting.getChatInfo().getThreadId());
    }
}
