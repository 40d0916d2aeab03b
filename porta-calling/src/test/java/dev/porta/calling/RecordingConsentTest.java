// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.GuestCapabilities;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Explicit recording consent: who is left out of the recording, and who may start it. */
class RecordingConsentTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private String meeting(boolean explicitConsent) {
        String link = h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.EVERYONE, List.of(),
                MeetingPolicy.defaults().withGuestCapabilities(GuestCapabilities.defaults().withPresenterRole()));
        h.meetings.update(link, h.meetings.details(link).withExplicitRecordingConsent(explicitConsent));
        return link;
    }

    private static void startRecording(TestClient organizer) {
        organizer.send("{\"v\":1,\"type\":\"recording\",\"id\":\"rec\",\"kind\":\"recording\",\"active\":true}");
        organizer.await("ack", n -> n.path("id").asText().equals("rec"));
    }

    @Test
    void withExplicitConsentAGuestIsLeftOutOfTheRecordingUntilTheyConsent() {
        String link = meeting(true);
        TestClient organizer = h.organizer(link);
        String organizerId = organizer.all("stateChanged").getFirst().path("participantId").asText();
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();
        assertThat(h.media.open.get(guestId).recorded).isFalse();

        startRecording(organizer);
        JsonNode notice = guest.await("recordingState");
        assertThat(notice.path("recording").asBoolean()).isTrue();
        assertThat(notice.path("consentRequired").asBoolean()).isTrue();
        assertThat(h.media.open.get(guestId).recorded).isFalse();
        assertThat(h.media.open.get(organizerId).recorded).isFalse();

        guest.send("{\"v\":1,\"type\":\"recordingConsent\",\"id\":\"c\"}");
        guest.await("ack", n -> n.path("id").asText().equals("c"));
        assertThat(h.media.open.get(guestId).recorded).isTrue();
        assertThat(guest.await("recordingState", n -> !n.path("consentRequired").asBoolean()).path("recording").asBoolean())
                .isTrue();
        assertThat(h.media.open.get(organizerId).recorded).isFalse();
    }

    @Test
    void withoutExplicitConsentEveryoneConnectedIsRecordedAndNoConsentIsAsked() {
        String link = meeting(false);
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();
        startRecording(organizer);
        assertThat(guest.await("recordingState").path("consentRequired").asBoolean()).isFalse();
        assertThat(h.media.open.get(guestId).recorded).isTrue();
    }

    @Test
    void someoneWhoJoinsDuringTheRecordingIsToldItRunsAndThatTheirConsentIsMissing() {
        String link = meeting(true);
        TestClient organizer = h.organizer(link);
        startRecording(organizer);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        JsonNode connected = awaitState(guest, "Connected");
        assertThat(connected.path("recording").asBoolean()).isTrue();
        assertThat(guest.await("recordingState").path("consentRequired").asBoolean()).isTrue();
        assertThat(h.media.open.get(connected.path("participantId").asText()).recorded).isFalse();
    }

    @Test
    void startingRecordingStartsTheSfusRecordingOfTheMeetingAndStoppingStopsIt() {
        String link = meeting(false);
        TestClient organizer = h.organizer(link);
        String meetingId = organizer.all("stateChanged").getFirst().path("meeting").path("meetingId").asText();
        startRecording(organizer);
        awaitUntil(() -> h.media.recording.containsKey(meetingId));
        organizer.send("{\"v\":1,\"type\":\"recording\",\"id\":\"stop\",\"kind\":\"recording\",\"active\":false}");
        organizer.await("ack", n -> n.path("id").asText().equals("stop"));
        awaitUntil(() -> h.media.recordingsStopped.contains(meetingId));
        assertThat(h.media.recording).isEmpty();
    }

    @Test
    void aRecorderFailureReachesTheOrganizerOnlyAndTheMeetingGoesOn() {
        String link = meeting(false);
        TestClient organizer = h.organizer(link);
        String meetingId = organizer.all("stateChanged").getFirst().path("meeting").path("meetingId").asText();
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(guest, "Connected");
        startRecording(organizer);
        awaitUntil(() -> h.media.recording.containsKey(meetingId));
        h.media.recording.get(meetingId).failed("composing failed: disk full");
        assertThat(organizer.await("recordingFailed").path("reason").asText()).isEqualTo("composing failed: disk full");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"m\",\"text\":\"still here\"}");
        assertThat(guest.await("chatMessage").path("text").asText()).isEqualTo("still here");
        assertThat(guest.all("recordingFailed")).isEmpty();
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aGuestCannotStartRecordingUnderTheDefaultPolicyAndNothingStarts() {
        String link = meeting(false);
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(guest, "Connected");
        guest.send("{\"v\":1,\"type\":\"recording\",\"id\":\"r\",\"kind\":\"recording\",\"active\":true}");
        JsonNode refusal = guest.await("error", n -> n.path("id").asText().equals("r"));
        assertThat(refusal.path("code").asText()).isEqualTo("capabilityDisabled");
        assertThat(refusal.path("message").asText()).contains("reserved for members");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"m\",\"text\":\"marker\"}");
        guest.await("chatMessage");
        assertThat(guest.all("recordingState")).isEmpty();
        assertThat(organizer.all("recordingState")).isEmpty();
    }
}
