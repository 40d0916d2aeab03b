// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.LobbyBypassScope;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.playwright.Page;
import dev.porta.common.testing.RequiredService;
import dev.porta.directory.GuestCapability;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.Participant;
import dev.porta.portal.PortalConfig;
import dev.porta.portal.PortalServer;
import dev.porta.server.RunningPorta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: Microsoft's unmodified UI Library ({@code @azure/communication-react}'s {@code CallComposite}, bundled
 * by {@code porta-sample-portal/ui-library} against {@code porta-calling-acs.js}) runs on Porta: a guest goes from
 * the composite's configuration page through the lobby into the call, is admitted by a member in Porta's app,
 * raises a hand the composite shows as the guest's own, and leaves to the composite's end page, while the
 * adapter's {@code latestErrors} stay empty throughout. Needs the sample built ({@code npm ci && npm run build});
 * skipped loudly without it, failed under {@code porta.require=all} (or {@code ui-library}).
 */
@Tag("browser")
class UiLibraryBrowserTest {
    // surefire runs in porta-it/
    static final Path BUNDLE = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent()
            .resolve("porta-sample-portal/ui-library/dist");
    static final String GUEST = "Uma Guest";

    static RunningPorta porta;
    static PortalServer portal;
    static Browsers browsers;
    static JsonNode demo;
    static String tenant;
    static String organizerId;

    @BeforeAll
    static void start() throws Exception {
        RequiredService.require("ui-library", Files.isRegularFile(BUNDLE.resolve("guest.js")),
                "Build the UI Library sample: (cd porta-sample-portal/ui-library && npm ci && npm run build).");
        browsers = Browsers.start();
        porta = RunningPorta.start();
        demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
        // Guests may raise a hand in this organizer's meetings (not a default guest capability).
        var guests = EnumSet.copyOf(GuestCapability.defaults());
        guests.add(GuestCapability.RAISE_HAND);
        porta.server().meetings().directory().setOrganizerMeetingPolicy(new TenantId(tenant), new MemberId(organizerId),
                Optional.of(new MeetingPolicy(true, EnumSet.allOf(dev.porta.directory.LobbyBypassScope.class), guests)));
        portal = PortalServer.start(new PortalConfig(porta.baseUrl(), Optional.of(porta.certificatePem()), tenant,
                demo.at("/app/clientId").asText(), demo.at("/app/clientSecret").asText(), porta.connectionString(),
                "a portal secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8), "a portal admin key of at least thirty-two bytes",
                0, 20, Duration.ofSeconds(1), Optional.of(BUNDLE)), Clock.systemUTC());
    }

    /** Shows what each browser showed when a test failed. */
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher DUMP_ON_FAILURE = Browsers.dumpOnFailure(() -> browsers);

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.printLogAndClose();
        }
        if (portal != null) {
            portal.close();
        }
        if (porta != null) {
            porta.close();
        }
    }

    @Test
    void aGuestJoinsThroughTheUnmodifiedCallCompositeIsAdmittedRaisesTheirOwnHandAndLeavesWithoutAnError() throws Exception {
        OnlineMeeting meeting = GraphSdk.scheduleAsDemoOrganizer(porta, "UI Library appointment", LobbyBypassScope.Organization);

        // The organizer is in the meeting in Porta's web app.
        Page member = browsers.open(Participant.RED, "member");
        MemberSignIn.inWebApp(member, porta, 0);
        member.navigate(meeting.getJoinWebUrl());
        VirtualAppointmentBrowserTest.joinFromPreJoinScreen(member);
        member.waitForSelector(".meeting[data-state=Connected]");

        // The guest opens the invitation on the portal's UI Library page and gets the composite's configuration page.
        String invitation = portal.invitationLink(organizerId, meeting.getJoinWebUrl(), Duration.ofHours(1)).replace("/visit?", "/ui-library?");
        Page guest = browsers.open(Participant.BLUE, "guest (UI Library)");
        guest.navigate(invitation);
        guest.fill("#display-name", GUEST);
        guest.click("#join");
        guest.waitForSelector("[data-ui-id=call-composite-start-call-button]");
        assertThat(page(guest)).isEqualTo("configuration");
        noErrors(guest, "on the configuration page");

        // Start call: the guest waits in the lobby; the organizer admits them from the app's lobby panel.
        guest.click("[data-ui-id=call-composite-start-call-button]");
        awaitPage(guest, "lobby", "the composite shows the lobby");
        noErrors(guest, "in the lobby");
        member.waitForSelector(".lobby-panel:not([hidden]) li:has-text('" + GUEST + " (Guest)')");
        member.click(".lobby-panel li:has-text('" + GUEST + "') .admit");
        awaitPage(guest, "call", "the composite shows the call");

        // The composite's roster has the organizer; the organizer's app has the guest.
        String organizerName = demo.at("/members/0/displayName").asText();
        browsers.await("the composite lists the organizer", 20_000, () -> (Boolean) guest.evaluate(
                "(name) => Object.values(window.portaUiLibrary.adapter.getState().call.remoteParticipants).some((p) => p.displayName === name)",
                organizerName));
        member.waitForSelector(".people li.guest:has-text('" + GUEST + "')");
        noErrors(guest, "in the call");
        Files.createDirectories(VirtualAppointmentBrowserTest.SCREENSHOTS);
        guest.screenshot(new Page.ScreenshotOptions().setPath(VirtualAppointmentBrowserTest.SCREENSHOTS.resolve("ui-library-call-composite.png")));

        // The guest raises a hand through the adapter: the composite shows it as the guest's own, the organizer sees it.
        guest.evaluate("() => window.portaUiLibrary.adapter.raiseHand()");
        browsers.await("the composite shows the guest's own raised hand", 20_000, () -> (Boolean) guest.evaluate(
                "() => !!window.portaUiLibrary.adapter.getState().call.raiseHand.localParticipantRaisedHand"));
        member.waitForSelector(".people li.guest .hand-badge");
        noErrors(guest, "after raising a hand");

        // The guest leaves and reaches the composite's end page.
        guest.evaluate("() => window.portaUiLibrary.adapter.leaveCall()");
        awaitPage(guest, "leftCall", "the composite shows its end page");
        guest.waitForSelector("text=You left the call");
        noErrors(guest, "after leaving");
        assertThat(guest.evaluate("() => window.portaUiLibrary.pages.join(' → ')"))
                .isEqualTo("configuration → lobby → call → leaving → leftCall");
        member.waitForSelector(".people li.guest", new Page.WaitForSelectorOptions().setState(
                com.microsoft.playwright.options.WaitForSelectorState.DETACHED));
    }

    /** The composite's current page: configuration, lobby, call, leftCall, … */
    private static String page(Page guest) {
        return (String) guest.evaluate("() => window.portaUiLibrary ? window.portaUiLibrary.adapter.getState().page : null");
    }

    /** Waits for the composite's page, saying where it went instead when it does not come. */
    private static void awaitPage(Page guest, String expected, String what) {
        try {
            browsers.await(what, 30_000, () -> expected.equals(page(guest)));
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + guest.evaluate("() => JSON.stringify({ pages: window.portaUiLibrary.pages, "
                    + "call: window.portaUiLibrary.adapter.getState().call?.state, "
                    + "ended: window.portaUiLibrary.adapter.getState().endedCall?.callEndReason, "
                    + "errors: window.portaUiLibrary.latestErrors() })"), e);
        }
    }

    /** The adapter's latestErrors are empty (printed when not). */
    private static void noErrors(Page guest, String when) {
        Object errors = guest.evaluate("() => JSON.stringify(window.portaUiLibrary.latestErrors())");
        assertThat(String.valueOf(errors)).as("the adapter's latestErrors " + when).isEqualTo("{}");
    }
}
