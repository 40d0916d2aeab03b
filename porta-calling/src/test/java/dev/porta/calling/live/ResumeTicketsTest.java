// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ResumeTicketsTest {
    private static final byte[] CLUSTER_SECRET = secret('k');
    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");

    private static byte[] secret(char c) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static String sealAtA() {
        return new ResumeTickets(CLUSTER_SECRET, "node-a").seal("meeting-1", new ParticipantId("p-1"), "8:acs:guest",
                NOW.minusSeconds(60), "Pat Guest", NOW.plusSeconds(3600));
    }

    @Test
    void anotherNodeOfTheClusterReadsWhoTheParticipantWas() {
        ResumeTickets.Ticket t = new ResumeTickets(CLUSTER_SECRET, "node-b").open(sealAtA(), NOW);
        assertThat(t).isEqualTo(new ResumeTickets.Ticket("meeting-1", new ParticipantId("p-1"), "8:acs:guest",
                NOW.minusSeconds(60), "Pat Guest", "node-a", NOW.plusSeconds(3600)));
        assertThat(sealAtA()).as("every token unique").isNotEqualTo(sealAtA());
    }

    @Test
    void aTicketWithAnyByteChangedOrFromAnotherClusterOrExpiredOpensToNothing() {
        String token = sealAtA();
        ResumeTickets b = new ResumeTickets(CLUSTER_SECRET, "node-b");
        String[] parts = token.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        byte[] lobbyInstead = payload.clone();
        lobbyInstead[lobbyInstead.length / 2] ^= 1;
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(lobbyInstead) + "." + parts[2];

        assertThat(b.open(forged, NOW)).isNull();
        assertThat(new ResumeTickets(secret('x'), "node-b").open(token, NOW)).isNull();
        assertThat(b.open(token, NOW.plusSeconds(3600))).isNull();
        assertThat(b.open("r1." + "A".repeat(5000), NOW)).isNull();
        assertThat(b.open("not a ticket", NOW)).isNull();
        assertThat(b.open("r1.%%%.%%%", NOW)).isNull();
        assertThat(b.open(new String(new byte[] {'r', '1', '.'}, StandardCharsets.US_ASCII), NOW)).isNull();
    }
}
