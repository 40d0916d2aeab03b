// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.AttendanceRecord;
import com.microsoft.graph.models.AzureCommunicationServicesUserIdentity;
import com.microsoft.graph.models.CommunicationsUserIdentity;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.MeetingAttendanceReport;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.AppPermission;
import dev.porta.directory.Directory;
import dev.porta.directory.TenantId;
import dev.porta.server.RunningPorta;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 5: the official Graph SDK reads the attendance reports Porta recorded from a live meeting
 * (a member organizer and a guest with an identity the app minted), with the permission Graph requires
 * for meeting artifacts and the application access policy.
 */
class AttendanceReportsSdkTest {
    static RunningPorta porta;
    static Directory directory;
    static String tenant;
    static String organizerId;
    static String organizerUpn;
    static String organizerToken;
    static GraphServiceClient graph;
    static CommunicationIdentityClient identities;

    @BeforeAll
    static void start() throws Exception {
        porta = RunningPorta.start();
        JsonNode demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        organizerUpn = demo.at("/members/0/userPrincipalName").asText();
        directory = porta.server().meetings().directory();
        graph = appClient("Attendance reader", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL,
                AppPermission.ONLINE_MEETING_ARTIFACT_READ_ALL), true);
        identities = Sdk.identityClient(porta, porta.connectionString());
        var web = directory.registerApp(new TenantId(tenant), "Members' app", Set.of(), List.of("https://app.example/signed-in"));
        String graphToken = MemberSignIn.signIn(porta, tenant, web.clientId().value(), "https://app.example/signed-in",
                organizerUpn, demo.at("/members/0/password").asText());
        organizerToken = MemberSignIn.callingToken(porta, tenant, graphToken);
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    @Test
    void aReportListsTheOrganizerAndTheGuestByIdentityWithTheirStays() throws Exception {
        OnlineMeeting meeting = meeting("Attended");
        CommunicationUserIdentifierAndToken guest = identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        attend(meeting, guest);

        var reports = graph.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(meeting.getId()).attendanceReports();
        List<MeetingAttendanceReport> list = reports.get().getValue();
        assertThat(list).hasSize(1);
        MeetingAttendanceReport report = list.getFirst();
        assertThat(report.getTotalParticipantCount()).isEqualTo(2);
        assertThat(report.getMeetingStartDateTime()).isNotNull();
        assertThat(report.getMeetingEndDateTime()).isAfterOrEqualTo(report.getMeetingStartDateTime());

        List<AttendanceRecord> records = reports.byMeetingAttendanceReportId(report.getId()).attendanceRecords().get().getValue();
        assertThat(records).hasSize(2);
        AttendanceRecord organizer = records.stream().filter(r -> r.getIdentity() instanceof CommunicationsUserIdentity).findFirst().orElseThrow();
        assertThat(organizer.getIdentity().getId()).isEqualTo(organizerId);
        assertThat(((CommunicationsUserIdentity) organizer.getIdentity()).getTenantId()).isEqualTo(tenant);
        assertThat(organizer.getRole()).isEqualTo("Organizer");
        assertThat(organizer.getEmailAddress()).isEqualTo(organizerUpn);
        AttendanceRecord pat = records.stream().filter(r -> r.getIdentity() instanceof AzureCommunicationServicesUserIdentity).findFirst().orElseThrow();
        assertThat(pat.getIdentity().getId()).isEqualTo(guest.getUser().getId());
        assertThat(pat.getIdentity().getDisplayName()).isEqualTo("Pat Guest");
        assertThat(pat.getRole()).isEqualTo("Attendee");
        assertThat(pat.getEmailAddress()).isNull();
        assertThat(pat.getAttendanceIntervals()).singleElement().satisfies(i -> {
            assertThat(i.getJoinDateTime()).isNotNull();
            assertThat(i.getLeaveDateTime()).isAfterOrEqualTo(i.getJoinDateTime());
            assertThat(i.getDurationInSeconds()).isEqualTo((int) Duration.between(i.getJoinDateTime(), i.getLeaveDateTime()).toSeconds());
        });
        assertThat(pat.getTotalAttendanceInSeconds()).isEqualTo(pat.getAttendanceIntervals().getFirst().getDurationInSeconds());

        MeetingAttendanceReport byId = reports.byMeetingAttendanceReportId(report.getId()).get();
        assertThat(byId.getAttendanceRecords()).hasSize(2);
        AttendanceRecord one = reports.byMeetingAttendanceReportId(report.getId()).attendanceRecords()
                .byAttendanceRecordId(organizerId).get();
        assertThat(one.getRole()).isEqualTo("Organizer");
    }

    @Test
    void aMeetingNobodyJoinedHasNoReportAndAnUnknownReportIs404() {
        OnlineMeeting meeting = meeting("Empty");
        var reports = graph.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(meeting.getId()).attendanceReports();
        assertThat(reports.get().getValue()).isEmpty();
        assertThatThrownBy(() -> reports.byMeetingAttendanceReportId("3b0b0b0b-0000-4000-8000-000000000000").get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(404);
                    assertThat(e.getError().getCode()).isEqualTo("itemNotFound");
                });
    }

    @Test
    void theMeetingPermissionsDoNotReachArtifactsAndTheAccessPolicyStillApplies() {
        OnlineMeeting meeting = meeting("Guarded");
        GraphServiceClient meetingsOnly = appClient("Meetings only", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), true);
        assertThatThrownBy(() -> meetingsOnly.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(meeting.getId())
                .attendanceReports().get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(403);
                    assertThat(e.getError().getCode()).isEqualTo("Forbidden");
                    assertThat(e.getMessage()).contains("OnlineMeetingArtifact.Read.All");
                });
        GraphServiceClient outsider = appClient("Artifacts outside the policy", EnumSet.of(AppPermission.ONLINE_MEETING_ARTIFACT_READ_ALL), false);
        assertThatThrownBy(() -> outsider.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(meeting.getId())
                .attendanceReports().get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("No Application Access Policy found for this app");
                });
    }

    private static OnlineMeeting meeting(String subject) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings everyone = new LobbyBypassSettings();
        everyone.setScope(LobbyBypassScope.Everyone);
        m.setLobbyBypassSettings(everyone);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    /** The organizer opens the meeting, the guest joins and leaves, then the organizer leaves: one session. */
    private static void attend(OnlineMeeting meeting, CommunicationUserIdentifierAndToken guest) throws Exception {
        try (var organizer = new SignalingClient(porta); var pat = new SignalingClient(porta)) {
            organizer.send("join", "token", organizerToken, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()));
            organizer.awaitState("Connected");
            pat.send("join", "token", guest.getUserToken().getToken(), "locator", Map.of("meetingLink", meeting.getJoinWebUrl()),
                    "displayName", "Pat Guest");
            pat.awaitState("Connected");
            pat.send("leave");
            pat.awaitState("Disconnected");
            organizer.send("leave");
            organizer.awaitState("Disconnected");
        }
        porta.server().attendance().flush(Duration.ofSeconds(10));
    }

    private static GraphServiceClient appClient(String name, Set<AppPermission> permissions, boolean inPolicy) {
        return GraphSdk.appClient(porta, tenant, name, permissions, inPolicy);
    }
}
