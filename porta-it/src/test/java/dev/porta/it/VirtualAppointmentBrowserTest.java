// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.LobbyBypassSettings;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.playwright.Page;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.Participant;
import dev.porta.portal.PortalConfig;
import dev.porta.portal.PortalServer;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue #6, done when: a member schedules in Porta's web app, the sample portal reads the meeting
 * with the Graph SDK and mints a guest token with the Identity SDK, the guest waits in the lobby and
 * is admitted, both see and hear each other, the guest shares a screen, and the organizer ends the
 * meeting — all in real browsers against one running Porta and one running portal.
 */
@Tag("browser")
class VirtualAppointmentBrowserTest {
    // surefire runs in porta-it/; the screenshots belong to the repository's docs
    static final Path SCREENSHOTS = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("docs/screenshots");
    static final String GUEST = "Pat Guest";

    static RunningPorta porta;
    static PortalServer portal;
    static Browsers browsers;
    static JsonNode demo;
    static String tenant;
    static String organizerId;

    @BeforeAll
    static void start() throws Exception {
        browsers = Browsers.start();
        porta = RunningPorta.start();
        demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        portal = startPortal(20, Duration.ofSeconds(1));
    }

    static PortalServer startPortal(int burst, Duration refill) throws Exception {
        return PortalServer.start(new PortalConfig(porta.baseUrl(), Optional.of(porta.certificatePem()), tenant,
                demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText(), porta.connectionString(),
                "a portal secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8), "a portal admin key of at least thirty-two bytes", 0, burst,
                refill), Clock.systemUTC());
    }

    /** Shows what each browser showed when a test failed. */
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
    static void stop() {
        if (browsers != null) {
            System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
            browsers.close();
        }
        if (portal != null) {
            portal.close();
        }
        if (porta != null) {
            porta.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMemberSchedulesAGuestJoinsFromThePortalIsAdmittedTheySeeAndHearEachOtherAndTheOrganizerEndsTheMeeting() throws Exception {
        // The member signs in to Porta's web app and schedules a meeting in which guests wait in the lobby.
        // Guests present (and so share a screen) only where the meeting policy grants it (review M1).
        var presentingGuests = EnumSet.copyOf(GuestCapability.defaults());
        presentingGuests.add(GuestCapability.PRESENT);
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId),
                Optional.of(new MeetingPolicy(true, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), presentingGuests)));
        Page member = signedInMember("member");
        member.setViewportSize(390, 844); // the home page at phone width, for the README
        member.screenshot(new Page.ScreenshotOptions().setPath(screenshot("member-home-phone.png")).setFullPage(true));
        member.setViewportSize(1024, 700);
        String joinLink = schedule(member, "Virtual appointment");
        assertThat(joinLink).startsWith(porta.baseUrl() + "l/meetup-join/");
        assertThat(member.textContent(".meeting-card .ids")).containsPattern("Meeting ID \\d+ · Passcode \\S+");

        // Opening the meeting's link in the browser leads to the app's pre-join screen; a click joins.
        member.navigate(joinLink);
        joinFromPreJoinScreen(member);
        member.waitForSelector(".meeting[data-state=Connected]");
        assertThat(member.url()).startsWith(porta.baseUrl() + "app/");

        // The organization's side sends the visitor a signed invitation; the portal mints the token.
        String invitation = portal.invitationLink(organizerId, joinLink, Duration.ofHours(1));
        long minted = portal.tokensMinted();
        Page guest = browsers.open(Participant.BLUE, "guest");
        guest.navigate(invitation);
        guest.fill("#display-name", GUEST);
        guest.click("#join");
        guest.click("#join-now");
        guest.waitForSelector(".waiting:not([hidden])");
        assertThat(guest.textContent(".waiting")).contains("Waiting in the lobby");
        assertThat(portal.tokensMinted()).isEqualTo(minted + 1);

        // The member admits the guest from the lobby panel.
        member.waitForSelector(".lobby-panel:not([hidden]) li:has-text('" + GUEST + " (Guest)')");
        member.click(".lobby-panel li:has-text('" + GUEST + "') .admit");
        guest.waitForSelector(".meeting[data-state=Connected]");

        // The member's roster names the guest by the ACS identity the portal minted (issue 14), and the
        // library gives the member's page the identifier an ACS application expects.
        String mintedIdentity = portal.lastMintedIdentity();
        assertThat(mintedIdentity).startsWith("8:acs:");
        member.waitForSelector(".people li.guest[data-identity='" + mintedIdentity + "']");
        Map<String, Object> seen = (Map<String, Object>) member.evaluate(
                "() => ({ ...window.portaCall.remoteParticipants.find((p) => p.isGuest).identifier })");
        assertThat(seen).containsEntry("kind", "communicationUser").containsEntry("communicationUserId", mintedIdentity)
                .containsEntry("rawId", mintedIdentity);
        Map<String, Object> organizerSeen = (Map<String, Object>) guest.evaluate(
                "() => ({ ...window.portaCall.remoteParticipants.find((p) => !p.isGuest).identifier })");
        assertThat(organizerSeen).containsEntry("kind", "microsoftTeamsUser").containsEntry("microsoftTeamsUserId", organizerId)
                .containsEntry("rawId", "8:orgid:" + organizerId).containsEntry("cloud", "public");

        // Each sees and hears the other.
        String organizerName = demo.at("/members/0/displayName").asText();
        seesAndHears(member, GUEST, Participant.BLUE);
        seesAndHears(guest, organizerName, Participant.RED);

        // The guest's tone makes it the active speaker on the member's grid; nothing went wrong on either page.
        member.waitForSelector(".tile.active-speaker[data-label='" + GUEST + "'], .tile.speaking[data-label='" + GUEST + "']");
        assertThat(member.isHidden(".meeting .notice")).as(member.textContent(".meeting .notice")).isTrue();
        assertThat(guest.isHidden(".meeting .notice")).as(guest.textContent(".meeting .notice")).isTrue();

        // Device selection lists the camera and the microphone.
        member.click(".controls .toggle-devices");
        member.waitForSelector(".devices-panel label:has-text('Camera') select");
        assertThat(member.locator(".devices-panel label:has-text('Microphone') select option").count()).isPositive();
        member.click(".controls .toggle-devices");

        // The member sees the guest marked as a guest in the roster.
        assertThat(member.textContent(".people li.guest .name")).isEqualTo(GUEST + " (Guest)");
        assertThat(guest.textContent(".people li.member .name")).isEqualTo(organizerName);

        // Chat works both ways, and the guest's messages are marked.
        guest.click(".controls .toggle-chat");
        guest.fill(".chat-input", "Hello, I am here for my appointment");
        guest.press(".chat-input", "Enter");
        member.click(".controls .toggle-chat");
        member.waitForSelector(".chat-log li:has-text('" + GUEST + " (Guest): Hello, I am here for my appointment')");

        // The guest has no raise-hand control, and a raise-hand request sent anyway is refused.
        assertThat(guest.locator(".controls .hand").count()).isZero();
        assertThat(guest.locator(".controls .end").count()).isZero();
        Map<String, Object> refused = (Map<String, Object>) guest.evaluate("() => window.portaCall.feature('RaiseHand').raiseHand()"
                + ".then(() => ({ ok: true }), (e) => ({ ok: false, reason: e.reason, message: e.message }))");
        assertThat(refused.get("ok")).isEqualTo(false);
        assertThat(refused.get("reason")).isEqualTo("capabilityDisabled");
        assertThat((String) refused.get("message")).isNotBlank();
        assertThat(member.locator(".controls .hand").count()).isOne();

        // The member raises a hand, reacts and mutes; the guest sees each.
        member.click(".controls .hand");
        guest.waitForSelector(".people li.member .hand-badge");
        member.click(".controls .reaction[data-reaction=heart]");
        guest.waitForSelector(".floating-reactions .bubble:has-text('" + organizerName + "')");
        member.click(".controls .mute");
        guest.waitForSelector(".people li.member .badge:text-is('Muted')");
        assertThat(member.textContent(".controls .mute")).isEqualTo("Unmute");

        // The guest shares a screen; the member sees it in the screen share view.
        guest.click(".controls .share");
        browsers.await("the member sees the guest's screen", 30_000, () -> ((Number) member.evaluate(
                "() => { const v = document.querySelector('.stage .screen video'); return v ? v.videoWidth : 0; }")).intValue() > 0);
        assertThat(member.textContent(".stage .screen .label")).isEqualTo(GUEST + " (Guest) is sharing");

        Thread.sleep(1000); // let the latest frames paint before the screenshots
        member.screenshot(new Page.ScreenshotOptions().setPath(screenshot("member-in-meeting.png")));
        guest.setViewportSize(390, 844); // a phone
        Thread.sleep(500);
        assertThat(((Number) guest.evaluate("() => document.documentElement.scrollWidth")).intValue()).as("no sideways scrolling on a phone")
                .isLessThanOrEqualTo(390);
        guest.screenshot(new Page.ScreenshotOptions().setPath(screenshot("guest-in-meeting-phone.png")).setFullPage(true));

        // The guest stops sharing; the screen share view goes away.
        guest.click(".controls .share");
        member.waitForSelector(".stage", new Page.WaitForSelectorOptions().setState(com.microsoft.playwright.options.WaitForSelectorState.HIDDEN));

        // The organizer ends the meeting for everyone; the guest's page says why.
        member.click(".controls .end");
        guest.waitForSelector("#ended:not([hidden])");
        assertThat(guest.textContent("#ended h1")).isEqualTo("Your appointment has ended");
        assertThat(guest.textContent("#ended-reason")).contains("ended the meeting");
        member.waitForSelector("#ended-view:not([hidden])");
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId),
                Optional.empty());
    }

    @Test
    void aGuestSeesASentenceSayingGuestsMayNotJoinWhenTheOrganizersPolicyDisablesAnonymousJoin() throws Exception {
        var directory = porta.server().meetings().directory();
        directory.setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId), Optional.of(
                new MeetingPolicy(false, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), GuestCapability.defaults())));
        try {
            OnlineMeeting meeting = scheduleWithGraph("Members only");
            Page guest = browsers.open(Participant.GREEN, "refused guest");
            guest.navigate(portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1)));
            guest.fill("#display-name", GUEST);
            guest.click("#join");
            guest.click("#join-now");
            guest.waitForSelector("#ended:not([hidden])");
            assertThat(guest.textContent("#ended h1")).isEqualTo("You could not join the appointment");
            assertThat(guest.textContent("#ended-reason")).contains("does not let guests join").contains("ask the organizer");
            guest.context().browser().close();
        } finally {
            directory.setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId), Optional.empty());
        }
    }

    @Test
    void aGuestWhoseBrowserPrefersItalianOrKoreanReadsTheLobbySentenceAndTheEndReasonInThatLanguage() throws Exception {
        record Expected(String locale, String nameLabel, String prejoin, String joinNow, String lobby, String notJoined, String policy) {}
        var languages = List.of(
                new Expected("it", "Il tuo nome", "Controlla videocamera e microfono", "Partecipa ora",
                        "Tieni aperta questa pagina", "Non è stato possibile partecipare all’appuntamento", "non consente agli ospiti di partecipare"),
                new Expected("ko", "만나는 분들에게 보일 이름", "카메라와 마이크 확인", "지금 참가",
                        "이 페이지를 닫지 마세요", "상담에 참가하지 못했습니다", "게스트는 참가할 수 없습니다"));
        var directory = porta.server().meetings().directory();
        for (Expected lang : languages) {
            OnlineMeeting meeting = scheduleWithGraph("Appointment " + lang.locale());
            Page guest = browsers.openWithLocale(Participant.GREEN, "guest " + lang.locale(), lang.locale());
            guest.navigate(portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1)));
            guest.waitForSelector("html[lang=" + lang.locale() + "]");
            assertThat(guest.textContent("#name-form label")).contains(lang.nameLabel());
            assertThat(guest.inputValue("select.language-switcher")).isEqualTo(lang.locale());
            guest.fill("#display-name", GUEST);
            guest.click("#join");
            guest.waitForSelector("#prejoin h2:has-text('" + lang.prejoin() + "')");
            assertThat(guest.textContent("#join-now")).isEqualTo(lang.joinNow());
            guest.click("#join-now");
            // The organizer is not there: the guest waits in the lobby and is told so in their language.
            guest.waitForSelector(".waiting:not([hidden])");
            assertThat(guest.textContent(".waiting")).contains(lang.lobby());
            guest.evaluate("() => window.portaCall.hangUp()");
            guest.waitForSelector("#ended:not([hidden])");

            // The organizer's policy turns guests away: the server's end reason, in the guest's language.
            directory.setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId), Optional.of(
                    new MeetingPolicy(false, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), GuestCapability.defaults())));
            try {
                guest.navigate(portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1)));
                guest.fill("#display-name", GUEST);
                guest.click("#join");
                guest.click("#join-now");
                guest.waitForSelector("#ended:not([hidden])");
                assertThat(guest.textContent("#ended h1")).isEqualTo(lang.notJoined());
                assertThat(guest.textContent("#ended-reason")).contains(lang.policy());
            } finally {
                directory.setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId), Optional.empty());
            }
            if (lang.locale().equals("ko")) {
                guest.screenshot(new Page.ScreenshotOptions().setPath(screenshot("guest-ended-korean.png")).setFullPage(true));
            } else {
                // The menu overrides the browser at once, and the choice outlives a reload.
                guest.selectOption("select.language-switcher", "en");
                guest.waitForSelector("html[lang=en]");
                assertThat(guest.textContent("#ended h1")).isEqualTo("You could not join the appointment");
                guest.reload();
                guest.waitForSelector("#name-form:not([hidden])");
                assertThat(guest.getAttribute("html", "lang")).isEqualTo("en");
                assertThat(guest.textContent("#name-form label")).contains("Your name, as the people you meet will see it");
            }
            guest.context().browser().close();
        }
    }

    @Test
    void aGuestWhoTurnsTheCameraOffBeforeJoiningJoinsWithoutVideoAndCanStartItLater() throws Exception {
        OnlineMeeting meeting = scheduleWithGraph("Camera off", LobbyBypassScope.Everyone);
        Page member = signedInMember("member camera-off");
        member.navigate(meeting.getJoinWebUrl());
        joinFromPreJoinScreen(member);
        member.waitForSelector(".meeting[data-state=Connected]");

        Page guest = browsers.open(Participant.BLUE, "guest camera-off");
        // Counts every request for camera or microphone the page makes, from its first script on.
        guest.context().addInitScript("(() => { window.__captures = 0; const md = navigator.mediaDevices;"
                + " const gum = md.getUserMedia.bind(md); md.getUserMedia = (c) => { window.__captures++; return gum(c); }; })()");
        guest.navigate(portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1)));
        guest.fill("#display-name", GUEST);
        assertThat(guest.evaluate("() => window.__captures")).as("nothing is captured before the click").isEqualTo(0);
        guest.click("#join");
        // The device check shows the camera first (both on the first time), then the guest turns it off.
        guest.waitForSelector("#prejoin .prejoin-preview video");
        guest.uncheck("#prejoin-camera-on");
        guest.waitForSelector("#prejoin .prejoin-off");
        assertThat(guest.isChecked("#prejoin-mic-on")).isTrue();
        guest.screenshot(new Page.ScreenshotOptions().setPath(screenshot("guest-prejoin.png")).setFullPage(true));
        guest.click("#join-now");
        guest.waitForSelector(".meeting[data-state=Connected]");
        assertThat(guest.evaluate("() => window.portaCall.isLocalVideoStarted")).isEqualTo(false);
        assertThat(guest.evaluate("() => window.portaCall.localVideoStreams.length")).isEqualTo(0);

        // The organizer sees the guest, unmuted, with no video; once the guest starts the camera, it shows.
        String guestVideo = "() => { const p = window.portaCall.remoteParticipants.find((x) => x.displayName === '" + GUEST + "');"
                + " return p ? String(p.videoStreams.some((s) => s.mediaStreamType === 'Video' && s.isAvailable)) + '/' + p.isMuted : 'absent'; }";
        browsers.await("the organizer sees the guest", 20_000, () -> !"absent".equals(member.evaluate(guestVideo)));
        Thread.sleep(2_000); // a camera sent by mistake would have been announced by now
        assertThat(member.evaluate(guestVideo)).isEqualTo("false/false");
        guest.click(".controls .camera");
        browsers.await("the guest's camera shows once started", 20_000, () -> "true/false".equals(member.evaluate(guestVideo)));
        guest.context().browser().close();
        member.context().browser().close();
    }

    @Test
    void aVisitorWithoutAValidInvitationGetsAClearPageAndNoToken() throws Exception {
        OnlineMeeting meeting = scheduleWithGraph("Private appointment");
        long before = portal.tokensMinted();
        Page visitor = browsers.open(Participant.GREEN, "visitor");

        visitor.navigate(portal.baseUrl() + "visit");
        visitor.waitForSelector("#no-invitation:not([hidden])"); // shown once the page's language has loaded
        assertThat(visitor.textContent("#no-invitation-text")).contains("needs an invitation link");
        assertThat(visitor.isVisible("#name-form")).isFalse();

        String valid = portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1));
        visitor.navigate(valid.substring(0, valid.length() - 3) + "xyz"); // signature changed
        visitor.fill("#display-name", "Mallory");
        visitor.click("#join");
        visitor.waitForSelector("#no-invitation:not([hidden])");
        assertThat(visitor.textContent("#no-invitation-text")).contains("not valid").contains("ask for a new invitation");

        visitor.navigate(portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofSeconds(-1)));
        visitor.fill("#display-name", "Late visitor");
        visitor.click("#join");
        visitor.waitForSelector("#no-invitation:not([hidden])");
        assertThat(visitor.textContent("#no-invitation-text")).contains("expired");
        assertThat(portal.tokensMinted()).isEqualTo(before);
        visitor.context().browser().close();

        // The token endpoint is rate limited: past the burst, even a valid invitation gets a sentence, not a token.
        try (PortalServer strict = startPortal(2, Duration.ofMinutes(10)); HttpClient http = HttpClient.newHttpClient()) {
            String inv = URI.create(strict.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1))).getQuery()
                    .substring("inv=".length());
            String body = "{\"invitation\":\"" + inv + "\",\"displayName\":\"Pat\"}";
            int[] statuses = new int[4];
            String last = "";
            for (int i = 0; i < statuses.length; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(strict.baseUrl() + "api/join"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                statuses[i] = r.statusCode();
                last = r.body();
            }
            assertThat(statuses).containsExactly(200, 200, 429, 429);
            assertThat(last).contains("Too many attempts").doesNotContain("token");
            assertThat(strict.tokensMinted()).isEqualTo(2);
        }
    }

    @Test
    void theOrganizerDeniesOneGuestFromTheLobbyPanelAndAdmitsTheOthersWithAdmitAll() throws Exception {
        Page member = signedInMember("lobby organizer");
        String joinLink = schedule(member, "Busy lobby");
        // The organizer joins with the meeting ID and passcode shown on the meeting's card.
        String ids = member.textContent(".meeting-card .ids");
        member.fill("#join-form [name=target]", ids.replaceAll("Meeting ID (\\d+) .*", "$1"));
        member.fill("#join-form [name=passcode]", ids.replaceAll(".*Passcode (\\S+)$", "$1"));
        member.click("#join-form button");
        joinFromPreJoinScreen(member);
        member.waitForSelector(".meeting[data-state=Connected]");

        // Three visitors in one browser (separate contexts: separate sessions), each with an invitation.
        var browser = member.context().browser();
        Page[] visitors = new Page[3];
        String[] names = {"Ann Early", "Bob Second", "Cy Third"};
        for (int i = 0; i < visitors.length; i++) {
            visitors[i] = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setIgnoreHTTPSErrors(true)).newPage();
            visitors[i].navigate(portal.invitationLink(organizerId, joinLink, Duration.ofHours(1)));
            visitors[i].fill("#display-name", names[i]);
            visitors[i].click("#join");
            visitors[i].click("#join-now");
            visitors[i].waitForSelector(".waiting:not([hidden])");
        }
        member.waitForSelector(".lobby-panel li:has-text('" + names[2] + " (Guest)')");

        member.click(".lobby-panel li:has-text('" + names[0] + "') .deny");
        visitors[0].waitForSelector("#ended:not([hidden])");
        assertThat(visitors[0].textContent("#ended h1")).isEqualTo("You could not join the appointment");
        assertThat(visitors[0].textContent("#ended-reason")).contains("declined").contains("Ask the organizer to let you in");

        member.click(".lobby-panel .admit-all");
        for (int i = 1; i < visitors.length; i++) {
            visitors[i].waitForSelector(".meeting[data-state=Connected]");
            member.waitForSelector(".people li.guest:has-text('" + names[i] + " (Guest)')");
        }
        assertThat(member.isHidden(".lobby-panel")).isTrue();

        // Together mode: everyone's view changes; guests have no control for it.
        member.click(".controls .together");
        visitors[1].waitForSelector(".meeting.together");
        assertThat(visitors[1].locator(".controls .together").count()).isZero();

        // Breakout rooms are for members by the default guest matrix: assigning a guest is refused with a sentence.
        member.click(".controls .breakout");
        member.click(".breakout-panel .create-rooms");
        member.selectOption(".breakout-panel label:has-text('" + names[1] + "') select", new com.microsoft.playwright.options.SelectOption().setLabel("Room 1"));
        member.waitForSelector(".meeting .notice:not([hidden])");
        assertThat(member.textContent(".meeting .notice")).contains(names[1] + " (Guest) is a guest")
                .contains("reserves breakout rooms for members");

        // A member attendee can be sent to a breakout room and back.
        Page adele = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setIgnoreHTTPSErrors(true)).newPage();
        signIn(adele, 1);
        adele.navigate(joinLink);
        joinFromPreJoinScreen(adele);
        adele.waitForSelector(".meeting[data-state=Connected]");
        String adeleName = demo.at("/members/1/displayName").asText();
        member.waitForSelector(".breakout-panel label:has-text('" + adeleName + "') select");
        member.selectOption(".breakout-panel label:has-text('" + adeleName + "') select", new com.microsoft.playwright.options.SelectOption().setLabel("Room 1"));
        member.click(".breakout-panel .rooms-toggle:text-is('Open rooms')");
        adele.waitForSelector(".meeting .notice:has-text('You are in breakout room Room 1')");
        member.click(".breakout-panel .rooms-toggle:text-is('Close rooms')");
        adele.waitForSelector(".meeting .notice:has-text('You are back in the main meeting')");

        member.click(".controls .end");
        visitors[1].waitForSelector("#ended:not([hidden])");
    }

    @Test
    void theOrganizerSeesInTheAppThatTheGuestIsTypingAndTheMessageTheGuestSendsWithTheChatSdk() throws Exception {
        OnlineMeeting meeting = scheduleWithGraph("Typing in the app");
        Page member = signedInMember("typing organizer");
        member.navigate(meeting.getJoinWebUrl());
        joinFromPreJoinScreen(member);
        member.waitForSelector(".meeting[data-state=Connected]");
        var guest = Sdk.identityClient(porta, porta.connectionString()).createUserAndToken(List.of(
                com.azure.communication.identity.models.CommunicationTokenScope.VOIP,
                com.azure.communication.identity.models.CommunicationTokenScope.CHAT));
        try (var guestSocket = new SignalingClient(porta)) {
            guestSocket.send("join", "token", guest.getUserToken().getToken(), "locator",
                    Map.of("meetingLink", meeting.getJoinWebUrl()), "displayName", GUEST);
            guestSocket.awaitState("InLobby");
            member.waitForSelector(".lobby-panel li:has-text('" + GUEST + " (Guest)')");
            member.click(".lobby-panel .admit-all");
            guestSocket.awaitState("Connected");
            member.click(".controls .toggle-chat");
            var chat = new com.azure.communication.chat.ChatClientBuilder().endpoint(porta.baseUrl().replaceAll("/+$", ""))
                    .credential(new com.azure.communication.common.CommunicationTokenCredential(guest.getUserToken().getToken()))
                    .httpClient(Sdk.trustingHttpClient(porta)).buildClient()
                    .getChatThreadClient(meeting.getChatInfo().getThreadId());

            chat.sendTypingNotification();
            member.waitForSelector(".chat-panel .typing:has-text('" + GUEST + " is typing')");
            chat.sendMessage(new com.azure.communication.chat.models.SendChatMessageOptions().setContent("Here now"));
            member.waitForSelector(".chat-log li:has-text('Here now')");
        }
    }

    /** A member's browser on Porta's web app, signed in (authorization code + PKCE on Porta's sign-in page). */
    private static Page signedInMember(String label) {
        Page member = browsers.open(Participant.RED, label);
        signIn(member, 0);
        return member;
    }

    /** On the app's pre-join screen: turns camera and microphone on (they start off) and clicks Join. */
    static void joinFromPreJoinScreen(Page page) {
        page.waitForSelector("#prejoin-view:not([hidden])");
        page.check("#prejoin-camera");
        page.check("#prejoin-microphone");
        page.click("#prejoin-join");
    }

    /** Signs the demo's member number {@code index} (0 = the organizer) in to the web app on {@code page}. */
    static void signIn(Page page, int index) {
        MemberSignIn.inWebApp(page, porta, index);
    }

    /** Schedules in the app a meeting where guests wait in the lobby and everyone may present; returns its join link. */
    private static String schedule(Page member, String subject) {
        member.fill("#schedule-form [name=subject]", subject);
        member.selectOption("#schedule-form [name=lobby]", "organization");
        member.selectOption("#schedule-form [name=presenters]", "everyone");
        member.click("#schedule");
        member.waitForSelector(".meeting-card:has-text('" + subject + "')");
        return member.inputValue(".meeting-card:has-text('" + subject + "') .join-link");
    }

    private static Path screenshot(String name) throws java.io.IOException {
        Files.createDirectories(SCREENSHOTS);
        return SCREENSHOTS.resolve(name);
    }

    private static OnlineMeeting scheduleWithGraph(String subject) {
        return scheduleWithGraph(subject, LobbyBypassScope.Organization);
    }

    private static OnlineMeeting scheduleWithGraph(String subject, LobbyBypassScope bypass) {
        GraphServiceClient graph = GraphSdk.graph(porta, GraphSdk.credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject(subject);
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        LobbyBypassSettings lobby = new LobbyBypassSettings();
        lobby.setScope(bypass);
        m.setLobbyBypassSettings(lobby);
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    @SuppressWarnings("unchecked")
    private static void seesAndHears(Page page, String otherName, Participant other) {
        browsers.await(otherName + "'s camera shows in its tile", 45_000, () -> {
            List<Map<String, Object>> colours = (List<Map<String, Object>>) page.evaluate("() => window.__probe.videoColors()");
            return colours.stream().anyMatch(c -> otherName.equals(c.get("label")) && other.looksLike((List<Number>) c.get("rgb")));
        });
        browsers.await(otherName + "'s tone is heard", 20_000, () -> {
            Map<String, Number> peaks = (Map<String, Number>) page.evaluate("() => window.__probe.audioPeaks()");
            return peaks.values().stream().anyMatch(other::soundsLike);
        });
    }
}
