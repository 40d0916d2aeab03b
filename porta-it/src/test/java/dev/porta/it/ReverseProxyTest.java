// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import dev.porta.common.testing.RealHaproxy;
import dev.porta.server.RunningPorta;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Porta behind a real HAProxy that terminates TLS with its own certificate, configured with exactly the
 * porta.conf keys and haproxy.cfg of docs/deployment.md (only ports and file paths swapped for the test's
 * own): the official SDKs, the calling WebSocket and the per-address limits all work through it, the
 * public URLs name the proxy, and a client cannot pick its own address by writing X-Forwarded-For.
 * Clients reach the proxy from 127.0.0.2 and 127.0.0.3 (two "machines"); HAProxy reaches Porta from
 * 127.0.0.1, the one trusted proxy.
 */
class ReverseProxyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSCODE_WRONG = "5251";
    private static final String PASSCODE_ATTEMPTS_EXCEEDED = "5252";
    private static final InetAddress FIRST_CLIENT = address("127.0.0.2");
    private static final InetAddress SECOND_CLIENT = address("127.0.0.3");
    static RealHaproxy proxy;
    static RunningPorta porta;
    static Path proxyCertificate;
    static String publicUrl;

    @BeforeAll
    static void start() throws Exception {
        RealHaproxy.require();
        DeploymentGuide guide = DeploymentGuide.read();
        int proxyPort = freePort();
        publicUrl = "https://localhost:" + proxyPort + "/";

        Map<String, String> keys = new HashMap<>(guide.proxiedPortaKeys());
        assertThat(keys).as("the guide's porta.conf for the proxy").containsEntry("http.host", "127.0.0.1")
                .containsEntry("http.trusted-proxies", "127.0.0.1").containsKeys("http.port", "http.public-host");
        keys.put("http.port", "0");
        keys.put("http.public-host", "localhost:" + proxyPort);
        keys.put("identity.failed-auth-burst", "2"); // small, to see whose allowance a refusal is charged to
        keys.put("calling.passcode-attempts-per-client", "1");
        porta = RunningPorta.start(keys, Clock.systemUTC());

        Path dir = RealHaproxy.newDirectory();
        proxyCertificate = RealHaproxy.certificate(dir);
        String config = guide.haproxyConfig("127.0.0.1", proxyPort, dir.resolve("proxy.pem"), porta);
        proxy = RealHaproxy.start(dir, config, new InetSocketAddress("127.0.0.1", proxyPort));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            if (porta != null) {
                porta.close();
            }
        }
    }

    @Test
    void theOfficialSdksWorkThroughTheProxyAndEveryPublicUrlNamesTheProxy() throws Exception {
        JsonNode demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        assertThat(porta.connectionString()).contains("endpoint=" + publicUrl);

        var identity = Sdk.identityClientBuilder(porta, porta.connectionString())
                .httpClient(Sdk.trustingHttpClient(proxyCertificate)).buildClient();
        var guest = identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        assertThat(guest.getUserToken().getToken()).isNotBlank();

        var credential = GraphSdk.credential(publicUrl, proxyCertificate, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText());
        String appToken = credential.getTokenSync(new TokenRequestContext().addScopes(GraphSdk.GRAPH_SCOPE)).getToken();
        assertThat(claims(appToken).get("iss").asText()).isEqualTo(publicUrl + tenant + "/v2.0");

        OnlineMeeting meeting = GraphSdk.graph(publicUrl, proxyCertificate, credential).users()
                .byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(meetingOpenToEveryone("Behind the proxy"));
        assertThat(meeting.getJoinWebUrl()).startsWith(publicUrl);
        assertThat(proxy.alive()).isTrue();
    }

    @Test
    void aGuestJoinsAMeetingOverTheCallingWebSocketThroughTheProxy() throws Exception {
        JsonNode demo = porta.demo();
        var credential = GraphSdk.credential(publicUrl, proxyCertificate, demo.get("tenantId").asText(),
                demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText());
        OnlineMeeting meeting = GraphSdk.graph(publicUrl, proxyCertificate, credential).users()
                .byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(meetingOpenToEveryone("Over WSS"));
        var identity = Sdk.identityClientBuilder(porta, porta.connectionString())
                .httpClient(Sdk.trustingHttpClient(proxyCertificate)).buildClient();
        String token = identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();

        try (var guest = new SignalingClient(publicUrl, client(FIRST_CLIENT))) {
            guest.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", "Proxied Guest");

            guest.awaitState("Connected");
            JsonNode roster = guest.await("roster").get("participants");
            assertThat(roster.toString()).contains("Proxied Guest");
        }
    }

    @Test
    void eachClientBehindTheProxyHasItsOwnAllowanceAndAForgedForwardedForIsIgnored() throws Exception {
        HttpClient first = client(FIRST_CLIENT);
        HttpClient second = client(SECOND_CLIENT);
        // Unsigned Identity API requests: each costs the client's allowance of bad signatures (2).
        assertThat(unsignedIdentityRequest(first, null)).isEqualTo(401);
        assertThat(unsignedIdentityRequest(first, null)).isEqualTo(401);
        assertThat(unsignedIdentityRequest(first, null)).isEqualTo(429);

        assertThat(unsignedIdentityRequest(first, "203.0.113.9")).as("a client naming another address itself").isEqualTo(429);
        assertThat(unsignedIdentityRequest(first, "127.0.0.3")).as("... even its neighbour's").isEqualTo(429);
        assertThat(unsignedIdentityRequest(second, null)).as("another client behind the same proxy").isEqualTo(401);
    }

    @Test
    void wrongPasscodesOverTheWebSocketAreChargedToTheClientTheProxyNamesNotToTheProxy() throws Exception {
        var identity = Sdk.identityClientBuilder(porta, porta.connectionString())
                .httpClient(Sdk.trustingHttpClient(proxyCertificate)).buildClient();
        String token = identity.createUserAndToken(List.of(CommunicationTokenScope.VOIP)).getUserToken().getToken();
        HttpClient first = client(FIRST_CLIENT);
        HttpClient second = client(SECOND_CLIENT);

        assertThat(joinByIdWithAWrongPasscode(first, token)).isEqualTo(PASSCODE_WRONG);
        assertThat(joinByIdWithAWrongPasscode(first, token)).isEqualTo(PASSCODE_ATTEMPTS_EXCEEDED);
        assertThat(joinByIdWithAWrongPasscode(second, token)).as("another client behind the same proxy").isEqualTo(PASSCODE_WRONG);
    }

    /** Joins meeting ID 1234567890 with a wrong passcode over wss through the proxy; the end reason's subCode. */
    private static String joinByIdWithAWrongPasscode(HttpClient client, String token) throws Exception {
        try (var guest = new SignalingClient(publicUrl, client)) {
            guest.send("join", "token", token, "displayName", "Guesser",
                    "locator", Map.of("meetingId", "1234567890", "passcode", "wrong"));
            return guest.awaitState("Disconnected").at("/callEndReason/subCode").asText();
        }
    }

    private static int unsignedIdentityRequest(HttpClient client, String forgedForwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(publicUrl + "identities?api-version=2023-10-01"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (forgedForwardedFor != null) {
            request.header("X-Forwarded-For", forgedForwardedFor);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A client on its own loopback address that trusts exactly the proxy's certificate. */
    private static HttpClient client(InetAddress from) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, GraphSdk.trusting(proxyCertificate).getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).localAddress(from).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static OnlineMeeting meetingOpenToEveryone(String subject) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(lobby);
        return m;
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
