// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review finding L4: a disabled member leaves at once, and the organizer may make a removal a ban. */
class RevocationAndBanTest {
    private final CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aMemberDisabledInTheDirectoryIsEndedAtOnce() {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        TestClient adele = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "x");
        awaitState(adele, "Connected");
        h.calling.identityRevoked("member-adele"); // what the directory's onMemberRevoked hook calls
        assertThat(adele.awaitEnd().path("subCode").asInt()).isEqualTo(4509);
        assertThat(organizer.isClosed()).isFalse();
    }

    @Test
    void aRemovalWithBanKeepsTheIdentityOutForTheRestOfTheMeetingAndAPlainRemovalDoesNot() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        TestClient organizer = h.organizer(link);
        String malloryId = admit(organizer, h.join(h.auth.guest("mallory"), link, "Mallory"));
        String bobToken = h.auth.guest("bob");
        String bobId = admit(organizer, h.join(bobToken, link, "Bob"));

        organizer.send(remove("r1", bobId, false));
        organizer.await("ack", n -> n.path("id").asText().equals("r1"));
        awaitState(h.join(bobToken, link, "Bob"), "InLobby"); // a plain removal is not a ban

        TestClient mallory = h.all().get(1);
        organizer.send(remove("r2", malloryId, true));
        organizer.await("ack", n -> n.path("id").asText().equals("r2"));
        assertThat(mallory.awaitEnd().path("subCode").asInt()).isEqualTo(5001);
        TestClient again = h.join(h.auth.guest("mallory"), link, "Mallory"); // a fresh token of the same identity
        assertThat(again.awaitEnd().path("subCode").asInt()).isEqualTo(5001);
        assertThat(h.calling.node().lobby()).isEqualTo(1);
    }

    @Test
    void aDenialWithBanKeepsTheIdentityOutOfTheLobby() {
        String link = h.meeting(LobbyBypassScope.ORGANIZER);
        TestClient organizer = h.organizer(link);
        TestClient spammer = h.join(h.auth.guest("spam"), link, "Spam");
        String id = awaitState(spammer, "InLobby").path("participantId").asText();
        organizer.send("{\"v\":1,\"type\":\"deny\",\"id\":\"d\",\"participantId\":\"" + id + "\",\"ban\":true}");
        assertThat(spammer.awaitEnd().path("subCode").asInt()).isEqualTo(5854);
        assertThat(h.join(h.auth.guest("spam"), link, "Spam").awaitEnd().path("subCode").asInt()).isEqualTo(5001);
    }

    @Test
    void onlyTheOrganizerMayBan() {
        String link = h.meeting(LobbyBypassScope.EVERYONE);
        h.organizer(link);
        TestClient presenter = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-adele", "Adele"), link, "x");
        awaitState(presenter, "Connected");
        TestClient guest = h.join(h.auth.guest("ada"), link, "Ada");
        String guestId = awaitState(guest, "Connected").path("participantId").asText();
        presenter.send(remove("r", guestId, true));
        assertThat(presenter.await("error").path("code").asText()).isEqualTo("roleRequired");
        assertThat(guest.isClosed()).isFalse();
    }

    private String admit(TestClient organizer, TestClient guest) {
        String id = awaitState(guest, "InLobby").path("participantId").asText();
        organizer.send("{\"v\":1,\"type\":\"admit\",\"participantId\":\"" + id + "\"}");
        awaitState(guest, "Connected");
        return id;
    }

    private static String remove(String id, String participantId, boolean ban) {
        return "{\"v\":1,\"type\":\"removeParticipant\",\"id\":\"" + id + "\",\"participantId\":\"" + participantId
                + "\",\"ban\":" + ban + "}";
    }
}
