// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static dev.porta.calling.testing.CallingHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.calling.testing.TestClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each live meeting runs on its own actor: nothing one participant waits for holds up the others. */
class MeetingActorTest {
    private CallingHarness h = new CallingHarness();

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /**
     * A test double of the SFU (FakeMediaHost) holds Bob's publish answer: the real SFU cannot be made slow on
     * demand, and what matters here is that calling does not wait for it. Before the actor, the meeting's lock
     * was held across this call (up to 5 s), and the organizer could neither admit nor chat meanwhile.
     */
    @Test
    void aSlowSfuCallForOneParticipantDoesNotHoldUpAdmissionOrChatForTheOthers() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        TestClient bob = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-bob", "Bob"), link, "Bob");
        String bobId = awaitState(bob, "Connected").path("participantId").asText();
        CountDownLatch sfuAnswers = new CountDownLatch(1);
        h.media.holdAnswers.put(bobId, sfuAnswers);
        bob.send("{\"v\":1,\"type\":\"publishOffer\",\"id\":\"po\",\"sdp\":\"v=0 offer\",\"sources\":{\"0\":\"microphone\"}}");
        assertThat(h.media.answersHeld.tryAcquire(5, TimeUnit.SECONDS)).as("Bob's publish offer reached the SFU").isTrue();

        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a1\",\"participantId\":\"" + adaId + "\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("a1"))).isNotNull();
        awaitState(ada, "Connected");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"welcome, Ada\"}");
        assertThat(ada.await("chatMessage").path("text").asText()).isEqualTo("welcome, Ada");
        assertThat(bob.all("publishAnswer")).as("the SFU still holds Bob's answer").isEmpty();

        sfuAnswers.countDown();
        assertThat(bob.await("publishAnswer").path("id").asText()).isEqualTo("po");
        assertThat(bob.await("chatMessage").path("text").asText()).isEqualTo("welcome, Ada");
    }

    /**
     * A chat store double holds Bob's message on its way to the database (a stalled database cannot be had on
     * demand). Before the actor, the write ran inside the meeting's lock and held up everyone.
     */
    @Test
    void aStalledChatWriteDoesNotHoldUpAdmissionForTheOthers() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        TestClient bob = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-bob", "Bob"), link, "Bob");
        awaitState(bob, "Connected");
        TestClient ada = h.join(h.auth.guest("ada"), link, "Ada");
        String adaId = awaitState(ada, "InLobby").path("participantId").asText();
        CountDownLatch database = new CountDownLatch(1);
        h.chatStore.holdAppends = database;
        bob.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"hello\"}");
        assertThat(h.chatStore.appendsHeld.tryAcquire(5, TimeUnit.SECONDS)).as("the chat write is held").isTrue();

        organizer.send("{\"v\":1,\"type\":\"admit\",\"id\":\"a1\",\"participantId\":\"" + adaId + "\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("a1"))).isNotNull();
        awaitState(ada, "Connected");
        assertThat(bob.all("ack")).as("Bob's chat is answered once it is stored").isEmpty();

        h.chatStore.holdAppends = null;
        database.countDown();
        assertThat(bob.await("ack").path("id").asText()).isEqualTo("c1");
        String meetingId = h.meetings.details(link).meetingId();
        assertThat(h.chatStore.history(meetingId)).extracting(e -> e.text()).containsExactly("hello");
    }

    /**
     * The chat store double fails as the JDBC store does when PostgreSQL is gone (the real outage is
     * porta-it's PostgresOutageTest): chat is answered and delivered at once, and stored in order once the
     * database answers again, at the next sweep.
     */
    @Test
    void chatDuringADatabaseOutageIsDeliveredAndStoredInOrderOnceTheDatabaseIsBack() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        TestClient bob = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-bob", "Bob"), link, "Bob");
        awaitState(bob, "Connected");
        String meetingId = h.meetings.details(link).meetingId();
        h.chatStore.unreachable = true;

        bob.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"is the database down?\"}");
        assertThat(bob.await("ack", n -> n.path("id").asText().equals("c1"))).isNotNull();
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c2\",\"text\":\"seems so\"}"); // after Bob's: the order is known
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("c2"))).isNotNull();
        assertThat(organizer.await("chatMessage").path("text").asText()).isEqualTo("is the database down?");
        assertThat(bob.await("chatMessage", n -> n.path("text").asText().equals("seems so"))).isNotNull();
        h.calling.sweep();
        assertThat(h.chatStore.history(meetingId)).isEmpty();

        h.chatStore.unreachable = false;
        h.calling.sweep();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the sweep hands the writes to the chat lane
        while (h.chatStore.history(meetingId).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(h.chatStore.history(meetingId)).extracting(e -> e.text()).containsExactly("is the database down?", "seems so");
        assertThat(bob.all("stateChanged")).noneMatch(n -> n.path("state").asText().equals("Disconnected"));
    }

    /**
     * As above, but the meeting ends before the database is back: what it missed is written all the same (it
     * waits on the meeting's chat lane, not in the live meeting that is gone), so the next session has it.
     */
    @Test
    void chatOfAMeetingThatEndsDuringADatabaseOutageIsStoredOnceTheDatabaseIsBack() throws Exception {
        String link = h.meeting(LobbyBypassScope.ORGANIZATION);
        TestClient organizer = h.organizer(link);
        String meetingId = h.meetings.details(link).meetingId();
        h.chatStore.unreachable = true;

        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"last words before the end\"}");
        assertThat(organizer.await("ack", n -> n.path("id").asText().equals("c1"))).isNotNull();
        organizer.send("{\"v\":1,\"type\":\"endMeeting\"}");
        organizer.awaitEnd();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the session closes on its actor
        while (h.calling.threadChat(meetingId).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(h.calling.threadChat(meetingId)).isEmpty();
        h.calling.sweep();
        assertThat(h.chatStore.history(meetingId)).isEmpty();

        h.chatStore.unreachable = false;
        h.calling.sweep();

        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the sweep hands the writes to the chat lane
        while (h.chatStore.history(meetingId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(h.chatStore.history(meetingId)).extracting(e -> e.text()).containsExactly("last words before the end");
    }

    @Test
    void aMeetingWithTooMuchWorkWaitingRefusesMoreAsBusyAndCountsIt() throws Exception {
        String link = meetingWithQueue(2);
        TestClient organizer = h.organizer(link);
        TestClient[] members = new TestClient[3];
        for (int i = 0; i < members.length; i++) {
            members[i] = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-" + i, "M" + i), link, "M" + i);
            awaitState(members[i], "Connected");
        }
        // Bob's entry keeps the meeting's actor busy; then three members act.
        CountDownLatch gate = busyWithBobsEntry(link);
        members[0].send("{\"v\":1,\"type\":\"chat\",\"id\":\"c0\",\"text\":\"one\"}");
        members[1].send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"two\"}");
        awaitWaiting(2);
        members[2].send("{\"v\":1,\"type\":\"chat\",\"id\":\"c2\",\"text\":\"three\"}");

        var refused = members[2].await("error");
        assertThat(refused.path("id").asText()).isEqualTo("c2");
        assertThat(refused.path("code").asText()).isEqualTo("meetingBusy");
        assertThat(h.calling.meetingBusyRefusals()).isOne();

        h.attendanceGate = null;
        gate.countDown();
        assertThat(members[0].await("ack").path("id").asText()).isEqualTo("c0");
        assertThat(members[1].await("ack").path("id").asText()).isEqualTo("c1");
        assertThat(organizer.await("chatMessage", n -> n.path("text").asText().equals("two"))).isNotNull();
        assertThat(organizer.all("chatMessage")).extracting(n -> n.path("text").asText()).doesNotContain("three");
        members[2].send("{\"v\":1,\"type\":\"chat\",\"id\":\"c3\",\"text\":\"three, again\"}");
        assertThat(members[2].await("ack").path("id").asText()).isEqualTo("c3");
    }

    /** An administrator ends a meeting whose clients filled its queue: that is when it matters most. */
    @Test
    void anAdministratorEndsAMeetingWhoseQueueIsFull() throws Exception {
        String link = meetingWithQueue(2);
        TestClient organizer = h.organizer(link);
        TestClient member = h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-0", "M0"), link, "M0");
        awaitState(member, "Connected");
        var details = h.meetings.details(link);
        CountDownLatch gate = busyWithBobsEntry(link);
        member.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c0\",\"text\":\"one\"}");
        organizer.send("{\"v\":1,\"type\":\"chat\",\"id\":\"c1\",\"text\":\"two\"}");
        awaitWaiting(2);

        var ended = new java.util.concurrent.CompletableFuture<Boolean>();
        Thread admin = Thread.ofVirtual().start(() -> {
            try {
                ended.complete(h.calling.endMeeting(details.tenantId(), details.meetingId()));
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        });
        // the administrator's request is in while the queue is still full: it waits for the actor, or was refused
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (admin.getState() != Thread.State.TIMED_WAITING && admin.getState() != Thread.State.TERMINATED
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.calling.waitingRequests()).isEqualTo(2);
        h.attendanceGate = null;
        gate.countDown();

        assertThat(ended.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(organizer.awaitEnd()).isNotNull();
    }

    /** A fresh harness whose meetings hold at most {@code queue} requests; the link of a meeting in it. */
    private String meetingWithQueue(int queue) throws Exception {
        h.close();
        h = new CallingHarness(dev.porta.calling.CallingConfig.defaults().withMeetingQueue(queue));
        return h.meeting(LobbyBypassScope.ORGANIZATION);
    }

    /** Bob joins and his entry keeps the meeting's actor busy (the attendance log is told on it) until the gate opens. */
    private CountDownLatch busyWithBobsEntry(String link) throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        h.attendanceGate = gate;
        h.join(h.auth.member(InMemoryMeetingDirectory.TENANT, "member-bob", "Bob"), link, "Bob");
        assertThat(h.heldAtGate.tryAcquire(5, TimeUnit.SECONDS)).as("the actor is busy with Bob's entry").isTrue();
        return gate;
    }

    /** Waits until the meeting holds {@code n} requests (bounded: 5 s). */
    private void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (h.calling.waitingRequests() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.calling.waitingRequests()).isEqualTo(n);
    }
}
