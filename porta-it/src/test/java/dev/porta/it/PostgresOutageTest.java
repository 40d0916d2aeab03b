// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static dev.porta.it.ChaosCluster.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.OnlineMeeting;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chaos: the cluster's PostgreSQL disappears for 10 s in the middle of a meeting ({@code pg_ctl stop -m
 * immediate}: every backend killed, as in a crash) and comes back, as docs/cluster.md ("What happens when…")
 * says: both nodes are alive but not ready meanwhile; the live meeting's signalling goes on (chat is delivered
 * at once and written to the database once it is back); a join, which needs the database, is refused with
 * {@code meetingUnavailable} (retryable) within {@code db.connect-timeout}, never left hanging; once PostgreSQL
 * is back both nodes are ready again and joins work, without restarting Porta (the connection pool recovers).
 * PostgreSQL and Redis are the test's own processes on free ports; the two nodes run in this JVM.
 */
@Tag("chaos")
class PostgresOutageTest {
    private static final long OUTAGE_MS = 10_000;
    private ChaosCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMeetingGoesOnWhilePostgresIsGoneForTenSecondsAndJoinsWorkAgainWithoutRestartingPorta() throws Exception {
        cluster = ChaosCluster.start(Map.of("db.connect-timeout", "2s"));
        OwnPostgres postgres = cluster.postgres;
        OnlineMeeting meeting = cluster.scheduleMeeting("Outlives its database");
        String guestToken = cluster.guestToken();
        String lateToken = cluster.guestToken(); // issued before the outage: issuing one needs the database too

        try (var organizer = cluster.client(cluster.a); var guest = cluster.client(cluster.a)) {
            join(organizer, cluster.organizerToken, meeting, "Organizer");
            organizer.awaitState("Connected");
            join(guest, guestToken, meeting, "Pat Guest");
            String guestId = guest.awaitState("InLobby").get("participantId").asText();
            organizer.send("admit", "id", "a1", "participantId", guestId);
            guest.awaitState("Connected");
            organizer.send("chat", "id", "c0", "text", "Before the outage");
            guest.await("chatMessage");

            postgres.stopImmediately();
            long down = System.nanoTime();

            for (var node : List.of(cluster.a, cluster.b)) {
                assertThat(cluster.awaitAnswer(node, "/health/ready", "503", Duration.ofSeconds(10))).contains("\"database\":\"DOWN\"");
                assertThat(cluster.get(node, "/health/live")).isEqualTo("200 {\"status\":\"UP\"}");
            }
            // the live meeting's signalling goes on: chat is delivered (and queued for the database), hands go up
            organizer.send("chat", "id", "c1", "text", "The database is gone, we are not");
            organizer.await("ack", f -> f.path("id").asText().equals("c1"));
            assertThat(guest.await("chatMessage").path("text").asText()).isEqualTo("The database is gone, we are not");
            guest.send("chat", "id", "c2", "text", "Noted");
            guest.await("ack", f -> f.path("id").asText().equals("c2"));
            assertThat(organizer.await("chatMessage", f -> f.path("text").asText().equals("Noted"))).isNotNull();
            organizer.send("raiseHand", "id", "h1"); // (guests may not, by the default policy)
            organizer.await("ack", f -> f.path("id").asText().equals("h1"));
            assertThat(guest.await("rosterDelta", f -> f.toString().contains("\"handRaised\":true"))).isNotNull();

            // a join needs the database: refused, retryable, within db.connect-timeout (not left hanging)
            long asked = System.nanoTime();
            try (var late = cluster.client(cluster.a)) {
                join(late, lateToken, meeting, "Late Guest");
                SignalingClient.assertEndReason(late.awaitState("Disconnected"), 503, 7102);
            }
            System.out.printf("PostgreSQL gone: a join was refused after %d ms (db.connect-timeout 2 s)%n",
                    (System.nanoTime() - asked) / 1_000_000);

            long left = OUTAGE_MS - (System.nanoTime() - down) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
            postgres.begin();
            long up = System.nanoTime();

            // ready again, and joins work, without restarting Porta
            for (var node : List.of(cluster.a, cluster.b)) {
                cluster.awaitAnswer(node, "/health/ready", "200", Duration.ofSeconds(20));
            }
            List<String> answers = new ArrayList<>();
            try (var late = cluster.joinFollowing(cluster.socketB, lateToken, meeting, "Late Guest", Duration.ofSeconds(20), answers)) {
                assertThat(answers.getLast()).as(answers.toString()).isEqualTo(cluster.socketA.getPort() + ":InLobby");
            }
            System.out.printf("PostgreSQL back: nodes ready and a join through node B served %d ms later: %s%n",
                    (System.nanoTime() - up) / 1_000_000, answers);

            // the chat of the outage reached the database once it was back, in order
            assertThat(storedChat(meeting, Duration.ofSeconds(10), 3))
                    .containsExactly("Before the outage", "The database is gone, we are not", "Noted");
            assertThat(organizer.seen()).noneMatch(f -> f.path("state").asText().equals("Disconnected"));
            assertThat(guest.seen()).noneMatch(f -> f.path("state").asText().equals("Disconnected"));
        }
    }

    /** The meeting's chat messages in PostgreSQL, oldest first, once there are {@code count} of them (or after {@code within}). */
    private List<String> storedChat(OnlineMeeting meeting, Duration within, int count) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> texts = new ArrayList<>();
        do {
            texts.clear();
            try (Connection c = DriverManager.getConnection(cluster.postgres.jdbcUrl(), "postgres", "");
                 PreparedStatement s = c.prepareStatement("SELECT text FROM calling_chat_message WHERE meeting_id = ? ORDER BY sent_at, message_id")) {
                s.setString(1, meeting.getId());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        texts.add(rs.getString(1));
                    }
                }
            }
            if (texts.size() >= count) {
                return texts;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return texts;
    }
}
