// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InvitationsTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String LINK = "https://porta.example/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d";
    final Invitations invitations = new Invitations(secret("the portal's secret, thirty-two bytes or more"),
            Clock.fixed(NOW, ZoneOffset.UTC));

    static byte[] secret(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedInvitationOpensTheDoorToItsMeetingUntilItExpires() throws Exception {
        var inv = invitations.verify(invitations.create("organizer-1", LINK, NOW.plus(Duration.ofHours(1))));
        assertThat(inv.organizerId()).isEqualTo("organizer-1");
        assertThat(inv.meetingLink()).isEqualTo(LINK);
        assertThat(inv.expires()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void anExpiredInvitationIsRefusedWithASentenceSayingToAskForANewOne() {
        String expired = invitations.create("organizer-1", LINK, NOW);
        assertThatThrownBy(() -> invitations.verify(expired)).hasMessageContaining("expired").hasMessageContaining("new one");
    }

    @Test
    void aChangedOrForeignInvitationIsRefused() {
        String good = invitations.create("organizer-1", LINK, NOW.plus(Duration.ofHours(1)));
        String otherMeeting = invitations.create("organizer-1", LINK.replace("abc", "xyz"), NOW.plus(Duration.ofHours(1)));
        // the payload of one meeting with the signature of another
        String spliced = otherMeeting.substring(0, otherMeeting.indexOf('.')) + good.substring(good.indexOf('.'));
        String foreign = new Invitations(secret("another portal's secret, thirty-two bytes"), Clock.fixed(NOW, ZoneOffset.UTC))
                .create("organizer-1", LINK, NOW.plus(Duration.ofHours(1)));
        for (String bad : new String[] {spliced, foreign, good + "x", "not-an-invitation", "%%%.%%%"}) {
            assertThatThrownBy(() -> invitations.verify(bad)).as(bad).hasMessageContaining("not valid");
        }
        assertThatThrownBy(() -> invitations.verify(null)).hasMessageContaining("needs an invitation link");
    }

    @Test
    void aShortSecretIsRejectedAtStart() {
        assertThatThrownBy(() -> new Invitations(secret("short"), Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
