// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.JoinMeetingIdSettings;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.MeetingParticipantInfo;
import com.microsoft.graph.models.MeetingParticipants;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.models.OnlineMeetingPresenters;
import com.microsoft.graph.models.OnlineMeetingRole;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.onlinemeetings.createorget.CreateOrGetPostRequestBody;
import dev.porta.common.MutableClock;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.Directory;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Graph SDK with {@code ClientSecretCredential}, over TLS, against a running Porta seeded
 * with the demo tenant: the whole custom-application flow and each refusal.
 */
@ParameterizedClass(name = "on {0}")
@ValueSource(strings = {"h2", "postgresql"})
class GraphMeetingsSdkTest {
    /** The database this Porta runs on ("h2" or "postgresql"); the lifecycle methods receive it too. */
    @Parameter
    String database;
    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static RunningPorta porta;
    static String tenant;
    static String organizerId;
    static String attendeeId;
    static GraphServiceClient graph;
    static Directory directory;

    @BeforeParameterizedClassInvocation
    static void start(String database) {
        porta = RunningPorta.on(database, Map.of(), CLOCK);
        JsonNode demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        attendeeId = demo.at("/members/1/id").asText();
        directory = porta.server().meetings().directory();
        graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText()));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        porta.close();
    }

    static OnlineMeeting newMeeting(String subject) {
        return newMeetingFor(attendeeId, subject);
    }

    /** A fresh body each time: the SDK's backing store sends only changes, so a re-posted instance would be empty. */
    static OnlineMeeting newMeetingFor(String attendeeId, String subject) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.parse("2030-01-15T09:00:00Z"));
        m.setEndDateTime(OffsetDateTime.parse("2030-01-15T09:30:00Z"));
        m.setAllowedPresenters(OnlineMeetingPresenters.Organizer);
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(LobbyBypassScope.Everyone);
        lobby.setIsDialInBypassEnabled(true);
        m.setLobbyBypassSettings(lobby);
        JoinMeetingIdSettings join = new JoinMeetingIdSettings();
        join.setIsPasscodeRequired(true);
        m.setJoinMeetingIdSettings(join);
        MeetingParticipantInfo attendee = new MeetingParticipantInfo();
        IdentitySet identity = new IdentitySet();
        com.microsoft.graph.models.Identity user = new com.microsoft.graph.models.Identity();
        user.setId(attendeeId);
        user.setDisplayName("Adele Vance");
        identity.setUser(user);
        attendee.setIdentity(identity);
        attendee.setRole(OnlineMeetingRole.Attendee);
        attendee.setUpn("adele@demo.porta.example");
        MeetingParticipants participants = new MeetingParticipants();
        participants.setAttendees(List.of(attendee));
        m.setParticipants(participants);
        return m;
    }

    @Test
    void aCustomAppCreatesGetsFindsPatchesAndDeletesAMeeting() {
        var meetings = graph.users().byUserId(organizerId).onlineMeetings();
        OnlineMeeting created = meetings.post(newMeeting("Contoso support call"));

        assertThat(created.getId()).matches("[A-Za-z0-9_-]+");
        assertThat(created.getJoinWebUrl()).startsWith(porta.baseUrl() + "l/meetup-join/19%3ameeting_");
        assertThat(created.getJoinMeetingIdSettings().getJoinMeetingId()).matches("\\d{12}");
        assertThat(created.getJoinMeetingIdSettings().getPasscode()).hasSize(6);
        assertThat(created.getParticipants().getOrganizer().getIdentity().getUser().getId()).isEqualTo(organizerId);
        assertThat(created.getParticipants().getAttendees()).singleElement()
                .satisfies(a -> assertThat(a.getUpn()).isEqualTo("adele@demo.porta.example"));
        assertThat(created.getLobbyBypassSettings().getScope()).isEqualTo(LobbyBypassScope.Everyone);
        assertThat(created.getStartDateTime()).isEqualTo(OffsetDateTime.parse("2030-01-15T09:00:00Z"));
        assertThat(created.getChatInfo().getThreadId()).startsWith("19:meeting_");

        var byId = meetings.byOnlineMeetingId(created.getId());
        assertThat(byId.get().getSubject()).isEqualTo("Contoso support call");

        var byUrl = meetings.get(rc -> rc.queryParameters.filter = "JoinWebUrl eq '" + created.getJoinWebUrl() + "'");
        assertThat(byUrl.getValue()).singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(created.getId()));
        String encoded = java.net.URLEncoder.encode(created.getJoinWebUrl(), java.nio.charset.StandardCharsets.UTF_8);
        var byEncodedUrl = meetings.get(rc -> rc.queryParameters.filter = "JoinWebUrl eq '" + encoded + "'");
        assertThat(byEncodedUrl.getValue()).singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(created.getId()));
        String meetingId = created.getJoinMeetingIdSettings().getJoinMeetingId();
        var byMeetingId = meetings.get(rc -> rc.queryParameters.filter = "joinMeetingIdSettings/joinMeetingId eq '" + meetingId + "'");
        assertThat(byMeetingId.getValue()).singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(created.getId()));

        OnlineMeeting rename = new OnlineMeeting();
        rename.setSubject("Renamed");
        assertThat(byId.patch(rename).getSubject()).isEqualTo("Renamed");
        assertThat(byId.get().getSubject()).isEqualTo("Renamed");

        byId.delete();
        assertThatThrownBy(byId::get).isInstanceOfSatisfying(ODataError.class, e -> {
            assertThat(e.getResponseStatusCode()).isEqualTo(404);
            assertThat(e.getError().getCode()).isEqualTo("itemNotFound");
        });
    }

    @Test
    void createOrGetCreatesOnceAndThenReturnsTheSameMeeting() {
        var meetings = graph.users().byUserId(organizerId).onlineMeetings();
        OnlineMeeting first = meetings.createOrGet().post(createOrGetBody("ext-7eb8263f"));
        OnlineMeeting second = meetings.createOrGet().post(createOrGetBody("ext-7eb8263f"));
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(first.getExternalId()).isEqualTo("ext-7eb8263f");

        assertThatThrownBy(() -> meetings.createOrGet().post(new CreateOrGetPostRequestBody()))
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("externalId");
                });
    }

    static CreateOrGetPostRequestBody createOrGetBody(String externalId) {
        CreateOrGetPostRequestBody b = new CreateOrGetPostRequestBody();
        b.setExternalId(externalId);
        b.setSubject("Created once");
        b.setStartDateTime(OffsetDateTime.parse("2030-02-01T10:00:00Z"));
        b.setEndDateTime(OffsetDateTime.parse("2030-02-01T11:00:00Z"));
        return b;
    }

    @Test
    void aWrongClientSecretIsRefusedWithoutSayingWhichPartWasWrong() {
        ClientSecretCredential wrong = GraphSdk.credential(porta, tenant, porta.demo().at("/app/clientId").asText(), "not-the-secret");
        assertThatThrownBy(() -> wrong.getTokenSync(new TokenRequestContext().addScopes(GraphSdk.GRAPH_SCOPE)))
                .hasStackTraceContaining("AADSTS7000215: Invalid client credentials: the client id, the secret or its expiry did not match.");
    }

    @Test
    void aReadOnlyAppCanReadButNotWriteAndAnAppOutsideThePolicyCanDoNeither() {
        OnlineMeeting existing = graph.users().byUserId(organizerId).onlineMeetings().post(newMeeting("Read me"));
        GraphServiceClient reader = appClient("Reader", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_ALL), true);
        assertThat(reader.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(existing.getId()).get().getSubject())
                .isEqualTo("Read me");
        assertThatThrownBy(() -> reader.users().byUserId(organizerId).onlineMeetings().post(newMeeting("Nope")))
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(403);
                    assertThat(e.getError().getCode()).isEqualTo("Forbidden");
                });

        GraphServiceClient outsider = appClient("Outsider", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), false);
        assertThatThrownBy(() -> outsider.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(existing.getId()).get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("No Application Access Policy found for this app");
                });
    }

    @Test
    void tamperedAndExpiredTokensGet401AndAnotherTenantsTokenCannotTellThisTenantsMembersExist() {
        String token = GraphSdk.credential(porta, tenant, porta.demo().at("/app/clientId").asText(), porta.demo().at("/app/clientSecret").asText())
                .getTokenSync(new TokenRequestContext().addScopes(GraphSdk.GRAPH_SCOPE)).getToken();
        var meetings = (java.util.function.Function<String, GraphServiceClient>) t -> GraphSdk.graph(porta, GraphSdk.fixed(t));

        assertUnauthorized(meetings.apply(token.substring(0, token.length() - 6) + "AAAAAA"));

        TenantId other = TenantId.random();
        directory.createTenant(other, "Fabrikam");
        AppRegistration foreignApp = directory.registerApp(other, "Fabrikam app", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), List.of());
        directory.setAccessPolicy(other, "all", Set.of(foreignApp.clientId()));
        directory.grantAccessPolicy(other, Optional.empty(), Optional.of("all"));
        String foreignSecret = directory.addClientSecret(other, foreignApp.clientId(), null).value();
        // Another tenant's valid token learns nothing about this tenant's members: an id of theirs is
        // answered exactly like an id nobody has (review finding L12).
        GraphServiceClient foreign = GraphSdk.graph(porta, GraphSdk.credential(porta, other.value(), foreignApp.clientId().value(), foreignSecret));
        ODataError forMember = refusal(foreign, organizerId);
        ODataError forNobody = refusal(foreign, "55555555-5555-4555-8555-555555555555");
        assertThat(forMember.getResponseStatusCode()).isEqualTo(404).isEqualTo(forNobody.getResponseStatusCode());
        assertThat(forMember.getError().getCode()).isEqualTo(forNobody.getError().getCode());

        GraphServiceClient fixed = meetings.apply(token);
        assertThat(fixed.users().byUserId(organizerId).onlineMeetings().post(newMeeting("Still valid")).getId()).isNotBlank();
        CLOCK.advance(Duration.ofMinutes(70));
        try {
            assertUnauthorized(fixed);
        } finally {
            CLOCK.advance(Duration.ofMinutes(-70));
        }
    }

    private static ODataError refusal(GraphServiceClient client, String userId) {
        try {
            client.users().byUserId(userId).onlineMeetings().post(newMeeting("Refused"));
        } catch (ODataError e) {
            return e;
        }
        throw new AssertionError("creating a meeting for " + userId + " was not refused");
    }

    private static void assertUnauthorized(GraphServiceClient client) {
        assertThatThrownBy(() -> client.users().byUserId(organizerId).onlineMeetings().post(newMeeting("Refused")))
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(401);
                    assertThat(e.getError().getCode()).isEqualTo("InvalidAuthenticationToken");
                });
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingChanges() {
        var meetings = graph.users().byUserId(organizerId).onlineMeetings();
        OnlineMeeting existing = meetings.post(newMeeting("Unchanged"));
        OnlineMeeting backwards = new OnlineMeeting();
        backwards.setStartDateTime(OffsetDateTime.parse("2030-01-15T10:00:00Z"));
        backwards.setEndDateTime(OffsetDateTime.parse("2030-01-15T09:00:00Z"));
        backwards.setSubject("Changed");
        assertThatThrownBy(() -> meetings.byOnlineMeetingId(existing.getId()).patch(backwards))
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("endDateTime");
                });
        assertThatThrownBy(() -> meetings.get(rc -> rc.queryParameters.filter = "subject eq 'x'"))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(400));
        assertThatThrownBy(() -> meetings.byOnlineMeetingId("AAAAAAAAAAAAAAAAAAAAAAAA").get())
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(404));
        assertThat(meetings.byOnlineMeetingId(existing.getId()).get().getSubject()).isEqualTo("Unchanged");
    }

    private static GraphServiceClient appClient(String name, Set<AppPermission> permissions, boolean inPolicy) {
        TenantId t = new TenantId(tenant);
        AppRegistration app = directory.registerApp(t, name, permissions, List.of());
        if (inPolicy) {
            Set<dev.porta.directory.ClientId> apps = new java.util.HashSet<>(directory.accessPolicies(t).get("demo-apps"));
            apps.add(app.clientId());
            directory.setAccessPolicy(t, "demo-apps", apps);
        }
        String secret = directory.addClientSecret(t, app.clientId(), null).value();
        return GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, app.clientId().value(), secret));
    }
}
