// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.GuestCapabilities;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuestCapabilityTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private String meeting(GuestCapabilities caps) {
        return h.meeting(LobbyBypassScope.EVERYONE, AllowedPresenters.EVERYONE, List.of(),
                MeetingPolicy.defaults().withGuestCapabilities(caps));
    }

    @Test
    void aGuestIsRefusedRaiseHandReactionsBreakoutRoomsAndTogetherModeUnderTheDefaultPolicyAndNothingChanges() {
        String link = meeting(GuestCapabilities.defaults().withPresenterRole());
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        JsonNode connected = awaitState(guest, "Connected");
        String guestId = connected.path("participantId").asText();
        assertThat(connected.path("role").asText()).isEqualTo("presenter");
        assertThat(connected.path("capabilities").toString()).doesNotContain("raiseHand", "reactions", "togetherMode", "breakoutRooms")
                .contains("screenShare", "chat");

        guest.send("{\"v\":1,\"type\":\"raiseHand\",\"id\":\"h\"}");
        guest.send("{\"v\":1,\"type\":\"togetherMode\",\"id\":\"t\",\"active\":true}");
        guest.send("{\"v\":1,\"type\":\"breakoutCreate\",\"id\":\"b\",\"rooms\":[\"A\"]}");
        guest.send("{\"v\":1,\"type\":\"reaction\",\"id\":\"r\",\"reaction\":\"heart\"}");
        for (String id : List.of("h", "t", "b", "r")) {
            JsonNode e = guest.await("error", n -> n.path("id").asText().equals(id));
            assertThat(e.path("code").asText()).isEqualTo("capabilityDisabled");
            assertThat(e.path("message").asText()).contains("reserved for members");
        }
        organizer.send("{\"v\":1,\"type\":\"breakoutCreate\",\"id\":\"b1\",\"rooms\":[\"A\"]}");
        organizer.await("ack", n -> n.path("id").asText().equals("b1"));
        organizer.send("{\"v\":1,\"type\":\"breakoutAssign\",\"id\":\"b2\",\"roomId\":\"r1\",\"participantIds\":[\"" + guestId + "\"]}");
        assertThat(organizer.await("error", n -> n.path("id").asText().equals("b2")).path("code").asText())
                .isEqualTo("participantNotEligible");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"text\":\"marker\"}");
        guest.await("chatMessage");
        assertThat(guest.all("rosterDelta")).isEmpty();
        assertThat(guest.all("togetherMode")).isEmpty();
        assertThat(organizer.all("reaction")).isEmpty();
    }

    @Test
    void aGuestMayRaiseHandUseTogetherModeAndBreakoutRoomsOnceThePolicyAllowsIt() {
        String link = meeting(GuestCapabilities.defaults().with(Capability.RAISE_HAND).with(Capability.TOGETHER_MODE)
                .with(Capability.BREAKOUT_ROOMS).withPresenterRole());
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();

        guest.send("{\"v\":1,\"type\":\"raiseHand\",\"id\":\"h\"}");
        guest.await("ack", n -> n.path("id").asText().equals("h"));
        assertThat(organizer.await("rosterDelta", n -> n.path("participant").path("handRaised").asBoolean())
                .path("participant").path("id").asText()).isEqualTo(guestId);

        guest.send("{\"v\":1,\"type\":\"togetherMode\",\"id\":\"t\",\"active\":true}");
        JsonNode seats = organizer.await("togetherMode");
        assertThat(seats.path("active").asBoolean()).isTrue();
        assertThat(seats.path("seats").toString()).contains(guestId);

        organizer.send("{\"v\":1,\"type\":\"breakoutCreate\",\"id\":\"b1\",\"rooms\":[\"Room A\"]}");
        organizer.send("{\"v\":1,\"type\":\"breakoutAssign\",\"id\":\"b2\",\"roomId\":\"r1\",\"participantIds\":[\"" + guestId + "\"]}");
        organizer.send("{\"v\":1,\"type\":\"breakoutOpen\",\"id\":\"b3\"}");
        organizer.await("ack", n -> n.path("id").asText().equals("b3"));
        assertThat(guest.await("breakoutJoined").path("name").asText()).isEqualTo("Room A");
        assertThat(h.media.awaitRoom(guestId, room -> room.contains("/breakout/"))).endsWith("/breakout/r1");
        organizer.send("{\"v\":1,\"type\":\"breakoutClose\",\"id\":\"b4\"}");
        guest.await("breakoutLeft");
        assertThat(h.media.awaitRoom(guestId, room -> !room.contains("/breakout/"))).doesNotContain("breakout");
    }

    @Test
    void screenShareIsExclusiveAndTheRecordingNoticeReachesGuests() {
        String link = meeting(GuestCapabilities.defaults().withPresenterRole());
        TestClient organizer = h.organizer(link);
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        awaitState(guest, "Connected");
        organizer.send("{\"v\":1,\"type\":\"publish\",\"id\":\"s\",\"source\":\"screen\"}");
        organizer.await("ack", n -> n.path("id").asText().equals("s"));
        guest.send("{\"v\":1,\"type\":\"publish\",\"id\":\"s\",\"source\":\"screen\"}");
        assertThat(guest.await("error").path("code").asText()).isEqualTo("screenShareBusy");
        guest.send("{\"v\":1,\"type\":\"recording\",\"id\":\"r\",\"kind\":\"recording\",\"active\":true}");
        assertThat(guest.await("error").path("code").asText()).isEqualTo("capabilityDisabled");
        organizer.send("{\"v\":1,\"type\":\"recording\",\"id\":\"r\",\"kind\":\"recording\",\"active\":true}");
        JsonNode notice = guest.await("recordingState");
        assertThat(notice.path("recording").asBoolean()).isTrue();
        assertThat(notice.path("transcription").asBoolean()).isFalse();
        guest.send("{\"v\":1,\"type\":\"publishOffer\",\"id\":\"o\",\"sdp\":\"v=0 offer\",\"sources\":{\"0\":\"microphone\"}}");
        assertThat(guest.await("publishAnswer").path("sdp").asText()).isEqualTo("v=0 answer");
    }

    @Test
    void meetingOptionsThatTurnOffRecordingTranscriptionAndBreakoutRoomsAreEnforced() {
        String link = meeting(GuestCapabilities.defaults());
        h.meetings.update(link, h.meetings.details(link).withDisabledFeatures(
                java.util.Set.of(dev.porta.calling.meeting.DisabledFeature.RECORDING,
                        dev.porta.calling.meeting.DisabledFeature.BREAKOUT_ROOMS)));
        TestClient organizer = h.organizer(link);
        organizer.send("{\"v\":1,\"type\":\"recording\",\"id\":\"r\",\"kind\":\"recording\",\"active\":true}");
        assertThat(organizer.await("error", n -> n.path("id").asText().equals("r")).path("message").asText())
                .contains("allowRecording");
        organizer.send("{\"v\":1,\"type\":\"breakoutCreate\",\"id\":\"b\",\"rooms\":[\"A\"]}");
        assertThat(organizer.await("error", n -> n.path("id").asText().equals("b")).path("code").asText())
                .isEqualTo("capabilityDisabled");
        organizer.send("{\"v\":1,\"type\":\"recording\",\"id\":\"t\",\"kind\":\"transcription\",\"active\":true}");
        organizer.await("ack", n -> n.path("id").asText().equals("t"));
        assertThat(organizer.await("recordingState").path("recording").asBoolean()).isFalse();
    }
}
