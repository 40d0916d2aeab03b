// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.SignalingClient.assertEndReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import dev.porta.directory.MemberId;
import dev.porta.directory.MemberRole;
import dev.porta.directory.TenantId;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.Participant;
import dev.porta.server.RunningPorta;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admin console (/admin/) in Chromium against a running Porta: a tenant admin signs in with
 * Porta's own sign-in, switches anonymous join off and finds the change in the audit log with their
 * name; an auditor sees the lists at phone width but every change control is disabled, and the admin
 * API refuses the auditor's change even when the page is bypassed.
 */
@Tag("browser")
class AdminConsoleBrowserTest {
    static RunningPorta porta;
    static Browsers browsers;
    static JsonNode demo;
    static TenantId tenant;
    static dev.porta.directory.Member lee;
    /** Scheduled before any test runs: a test rotates the demo app's secret the Graph SDK signs in with. */
    static com.microsoft.graph.models.OnlineMeeting meeting;
    static com.azure.communication.identity.CommunicationIdentityClient identities;

    @BeforeAll
    static void start() throws Exception {
        browsers = Browsers.start();
        porta = RunningPorta.start(Map.of(), Clock.systemUTC());
        demo = porta.demo();
        var directory = porta.server().meetings().directory();
        MemberId admin = new MemberId(demo.at("/members/0/id").asText());
        MemberId auditor = new MemberId(demo.at("/members/1/id").asText());
        tenant = directory.tenantOfMember(admin).orElseThrow();
        directory.grantRole(tenant, admin, MemberRole.TENANT_ADMIN);
        directory.grantRole(tenant, auditor, MemberRole.AUDITOR);
        lee = directory.addMember(tenant, "lee@demo.porta.example", "Lee Gu", "a-password-for-lee");
        meeting = GraphSdk.scheduleAsDemoOrganizer(porta, "Quarterly review", com.microsoft.graph.models.LobbyBypassScope.Everyone);
        identities = Sdk.identityClient(porta, porta.connectionString());
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher DUMP_ON_FAILURE = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (browsers != null) {
                browsers.dump();
            }
        }
    };

    @AfterAll
    static void stop() throws IOException {
        if (browsers != null) {
            browsers.close();
        }
        if (porta != null) {
            porta.close();
        }
    }

    @Test
    void anAdminSwitchesAnonymousJoinOffAndTheAuditLogShowsTheChangeWithTheirName() throws Exception {
        Page admin = browsers.open(Participant.RED, "tenant admin");
        signIn(admin, 0);
        assertThat(admin.isChecked("#anonymous-join")).as("anonymous join starts on").isTrue();

        admin.uncheck("#anonymous-join");
        assertThat(admin.isChecked("[data-capability=raiseHand] input")).as("raise hand is for members by default").isFalse();
        admin.check("[data-capability=raiseHand] input");
        admin.click("#policy-save");

        admin.waitForSelector("#policy-status:has-text('anonymous join is off')");
        assertThat(porta.server().meetings().directory().tenantMeetingPolicy(tenant).allowAnonymousJoin()).isFalse();
        admin.waitForSelector("#audit tr:has-text('MEETING_POLICY_CHANGED')");
        String row = admin.textContent("#audit tr:has-text('MEETING_POLICY_CHANGED')");
        assertThat(row).contains(demo.at("/members/0/displayName").asText())
                .contains("member:" + demo.at("/members/0/id").asText())
                .contains("allowAnonymousJoin: true -> false").contains("guestCapabilities.raiseHand: false -> true");
        assertThat(porta.server().meetings().directory().tenantMeetingPolicy(tenant).guestCapabilities())
                .contains(dev.porta.directory.GuestCapability.RAISE_HAND);
        admin.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target", "screenshots", "admin-console.png")).setFullPage(true));

        // and the server holds to it: a guest with a valid token is refused with the tenant's reason
        try (var guest = new SignalingClient(porta)) {
            joinAsGuest(guest, "Pat Guest");
            assertEndReason(guest.awaitState("Disconnected"), 403, 5221);
        }
    }

    @Test
    void anAdminSeesWhoIsInALiveMeetingRemovesAGuestAndEndsTheMeetingForEveryone() throws Exception {
        var directory = porta.server().meetings().directory();
        var policy = directory.tenantMeetingPolicy(tenant); // another test switches anonymous join off
        directory.setTenantMeetingPolicy(tenant, new dev.porta.directory.MeetingPolicy(true, policy.allowedLobbyBypassScopes(),
                policy.guestCapabilities()));
        try (var pat = new SignalingClient(porta); var sam = new SignalingClient(porta)) {
            joinAsGuest(pat, "Pat Guest");
            String patId = pat.awaitState("Connected").get("participantId").asText();
            joinAsGuest(sam, "Sam Guest");
            sam.awaitState("Connected");

            Page admin = browsers.open(Participant.BLUE, "moderating admin");
            signIn(admin, 0);
            String live = "#live li[data-meeting='" + meeting.getId() + "']";
            admin.waitForSelector(live + ":has-text('Quarterly review')");
            assertThat(admin.textContent(live)).contains("Pat Guest · attendee, guest").contains("Sam Guest").contains("2 people");

            String remove = live + " li[data-participant='" + patId + "'] button";
            admin.click(remove);
            assertThat(admin.textContent(remove)).contains("Confirm: remove Pat Guest");
            admin.click(remove);
            JsonNode removed = pat.awaitState("Disconnected");
            assertEndReason(removed, 0, 5000);
            assertThat(removed.toString()).contains("An administrator of the organization removed you");
            admin.waitForSelector("#audit tr:has-text('LIVE_PARTICIPANT_REMOVED')");
            assertThat(admin.textContent("#audit tr:has-text('LIVE_PARTICIPANT_REMOVED')")).contains(patId)
                    .contains("member:" + demo.at("/members/0/id").asText());
            admin.waitForSelector(live + ":has-text('1 person')");

            String end = live + " > button";
            admin.click(end);
            admin.click(end);
            assertEndReason(sam.awaitState("Disconnected"), 0, 4097);
            admin.waitForSelector("#live-none:not([hidden])");
            assertThat(admin.textContent("#audit")).contains("LIVE_MEETING_ENDED");
        }
    }

    private static void joinAsGuest(SignalingClient client, String name) {
        String token = identities.createUserAndToken(java.util.List.of(
                com.azure.communication.identity.models.CommunicationTokenScope.VOIP)).getUserToken().getToken();
        client.send("join", "token", token, "locator", Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", name);
    }

    @Test
    void anAuditorSeesTheListsAtPhoneWidthButCannotChangeAnything() {
        Page auditor = browsers.open(Participant.BLUE, "auditor");
        auditor.setViewportSize(390, 800);
        signIn(auditor, 1);

        auditor.waitForSelector("#members li");
        auditor.waitForSelector("#apps li");
        assertThat(auditor.textContent("#role-note")).contains("auditor").contains("change nothing");
        assertThat(auditor.textContent("#apps li[data-client='public']")).as("the members' web app is a public client")
                .contains("PKCE").contains("no secret");
        assertThat(auditor.locator("#apps li[data-client='public'] button").count()).as("nothing to rotate there").isZero();
        assertThat(auditor.locator("#members li").count()).isEqualTo(porta.server().meetings().directory().members(tenant).size());
        assertThat(auditor.evaluate("() => [...document.querySelectorAll('.change')].every(c => c.disabled)"))
                .as("every change control is disabled").isEqualTo(true);
        assertThat(auditor.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .as("nothing overflows a phone's width").isEqualTo(true);
        auditor.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target", "screenshots", "admin-console-auditor-phone.png"))
                .setFullPage(true));

        // the page is only a courtesy: the server refuses the auditor's change with the sentence
        Object refusal = auditor.evaluate("""
                async (t) => {
                  const r = await fetch(`/admin/v1/tenants/${t}/meeting-policy`, { method: 'PUT',
                    headers: { Authorization: `Bearer ${sessionStorage.getItem('porta.admin.token')}`, 'Content-Type': 'application/json' },
                    body: JSON.stringify({ allowAnonymousJoin: true }) });
                  return `${r.status} ${(await r.json()).error.message}`;
                }""", tenant.value());
        assertThat(refusal).isEqualTo("403 Your auditor role lets you see this but not change it. Ask a tenant admin to make the change.");
    }

    @Test
    void anAdminRotatesAnAppsSecretSeesTheNewOneOnceAndTheOldOneStopsWorking() throws Exception {
        String appId = demo.at("/app/clientId").asText();
        String oldSecret = demo.at("/app/clientSecret").asText();
        assertThat(clientCredentials(appId, oldSecret)).as("the old secret works before").isEqualTo(200);
        Page admin = browsers.open(Participant.GREEN, "rotating admin");
        signIn(admin, 0);

        String button = "#apps li[data-app='" + appId + "'] button";
        admin.click(button);
        assertThat(admin.textContent(button)).contains("Confirm");
        admin.click(button);

        admin.waitForSelector("#new-secret:not([hidden])");
        String newSecret = admin.textContent("#new-secret-text").trim();
        admin.waitForSelector("#audit tr:has-text('CLIENT_SECRET_DELETED')");
        assertThat(clientCredentials(appId, oldSecret)).as("the old secret after the rotation").isEqualTo(401);
        assertThat(clientCredentials(appId, newSecret)).as("the new secret").isEqualTo(200);
        assertThat(admin.textContent("#audit")).contains("CLIENT_SECRET_CREATED").contains("member:" + demo.at("/members/0/id").asText());
        admin.reload();
        admin.waitForSelector("#console-view[data-loaded=true]");
        assertThat(admin.isHidden("#new-secret")).as("the secret is shown once").isTrue();
    }

    @Test
    void anAdminGivesAMemberTheAuditorRoleAndTheAuditLogShowsIt() {
        Page admin = browsers.open(Participant.RED, "granting admin");
        signIn(admin, 0);

        admin.selectOption("#members li[data-member='" + lee.id().value() + "'] select.role", "auditor");

        admin.waitForSelector("#audit tr:has-text('MEMBER_ROLE_GRANTED')");
        assertThat(admin.textContent("#audit tr:has-text('MEMBER_ROLE_GRANTED')")).contains("Lee Gu").contains("role: auditor");
        assertThat(porta.server().meetings().directory().roles(tenant, lee.id())).containsExactly(MemberRole.AUDITOR);
        admin.waitForSelector("#members li[data-member='" + lee.id().value() + "']:has-text('· auditor')");
    }

    private static int clientCredentials(String appId, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + appId + "&client_secret="
                + java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8)
                + "&scope=" + java.net.URLEncoder.encode("https://graph.microsoft.com/.default", java.nio.charset.StandardCharsets.UTF_8);
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(porta.baseUrl() + tenant.value() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build();
        return porta.httpClient().send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void signIn(Page page, int member) {
        var response = page.navigate(porta.baseUrl() + "admin/");
        assertThat(response.headers().get("content-security-policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
        page.click("#signin");
        page.fill("#username", demo.at("/members/" + member + "/userPrincipalName").asText());
        page.fill("#password", demo.at("/members/" + member + "/password").asText());
        page.click("button[type=submit]");
        page.waitForSelector("#console-view[data-loaded=true]:not([hidden])");
    }
}
