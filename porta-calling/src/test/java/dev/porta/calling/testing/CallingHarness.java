// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.calling.CallingConfig;
import dev.porta.calling.CallingService;
import dev.porta.calling.chat.InMemoryChatHistoryStore;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.Invitee;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.common.MutableClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The calling service behind a loopback WebSocket server, with fakes for every port, and client helpers. */
public final class CallingHarness implements AutoCloseable {
    public static final Instant NOW = Instant.parse("2030-01-15T09:00:00Z");

    public final MutableClock clock = new MutableClock(NOW);
    public final FakeAuthenticator auth = new FakeAuthenticator(NOW.plus(Duration.ofHours(24)));
    public final InMemoryMeetingDirectory meetings = new InMemoryMeetingDirectory();
    public final FakeMediaHost media = new FakeMediaHost();
    /** What calling told the attendance log, as lines ("entered meeting-1 8:acs:res_ada guest attendee"). */
    public final List<String> attendance = java.util.Collections.synchronizedList(new ArrayList<>());
    public final CallingService calling;
    /** The chat store calling writes to; its appends can be held (a stalled database). */
    public final HoldingChatStore chatStore;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LoopbackWebSocketServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<TestClient> clients = new ArrayList<>();

    public CallingHarness() {
        this(CallingConfig.defaults());
    }

    public CallingHarness(CallingConfig config) {
        this(config, dev.porta.common.MeetingPlacement.local());
    }

    /** @param placement where meetings live (a cluster's answers, for the join's placement check) */
    public CallingHarness(CallingConfig config, dev.porta.common.MeetingPlacement placement) {
        chatStore = new HoldingChatStore(chat(config));
        calling = new CallingService(config, auth, meetings, chatStore, media, clock, scheduler, new dev.porta.calling.attendance.AttendanceLog() {
            @Override
            public void entered(String meetingId, Attendee a, Instant at) {
                holdWhileGateClosed();
                attendance.add("entered " + meetingId + " " + a.rawId() + " " + (a.guest() ? "guest" : "member") + " " + a.role()
                        + " " + a.participantId() + " " + at);
            }

            @Override
            public void left(String meetingId, String participantId, Instant at) {
                attendance.add("left " + meetingId + " " + participantId + " " + at);
            }

            @Override
            public void sessionEnded(String meetingId, Instant at) {
                attendance.add("ended " + meetingId + " " + at);
            }
        }, dev.porta.common.RateLimits.local(clock), placement, new dev.porta.calling.LocalMeetingRouter());
        try {
            server = new LoopbackWebSocketServer(calling);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * While set, telling the attendance log that someone entered waits until it counts down: it keeps the
     * meeting's actor busy (the attendance log is called on it), as a burst of work would.
     */
    public volatile java.util.concurrent.CountDownLatch attendanceGate;
    /** Counts each time an entry reached the closed {@link #attendanceGate}. */
    public final java.util.concurrent.Semaphore heldAtGate = new java.util.concurrent.Semaphore(0);

    private void holdWhileGateClosed() {
        var gate = attendanceGate;
        if (gate != null) {
            heldAtGate.release();
            try {
                gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Holds the roster batching windows of meetings that start from now on open until the test closes them
     * ({@link HeldRosterWindow#close}); call before the first join.
     */
    public HeldRosterWindow holdRosterWindows() {
        HeldRosterWindow w = new HeldRosterWindow();
        calling.rosterWindow(w);
        return w;
    }

    /** As {@link #join}, for a client that speaks roster version 2 (batches and pages). */
    public TestClient joinV2(String token, String link, String displayName) {
        return join(token, link, displayName, ",\"rosterVersion\":2");
    }

    /** The chat store a running server builds from {@code config}. */
    public static InMemoryChatHistoryStore chat(CallingConfig config) {
        return new InMemoryChatHistoryStore(config.chatHistorySize(), config.chatHistoryBytes(), config.chatMemoryBytes());
    }

    /** A meeting running now with the given lobby scope and default policy. */
    public String meeting(LobbyBypassScope scope) {
        return meeting(scope, AllowedPresenters.ORGANIZATION, List.of(), MeetingPolicy.defaults());
    }

    public String meeting(LobbyBypassScope scope, AllowedPresenters presenters, List<Invitee> invitees, MeetingPolicy policy) {
        return meetings.add(NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofMinutes(55)), scope, presenters, invitees, policy);
    }

    public TestClient connect() {
        TestClient c = new TestClient(http, server.url());
        clients.add(c);
        return c;
    }

    /** Connects and sends a join by link; returns the client (the caller awaits the state it expects). */
    public TestClient join(String token, String link, String displayName) {
        return join(token, link, displayName, "");
    }

    private TestClient join(String token, String link, String displayName, String moreFields) {
        TestClient c = connect();
        c.send("{\"v\":1,\"type\":\"join\",\"id\":\"j\",\"token\":\"" + token + "\",\"displayName\":\""
                + displayName + "\",\"locator\":{\"meetingLink\":\"" + link + "\"}" + moreFields + "}");
        return c;
    }

    public TestClient organizer(String link) {
        TestClient c = join(auth.member(InMemoryMeetingDirectory.TENANT, InMemoryMeetingDirectory.ORGANIZER, "Olivia Organizer"),
                link, "ignored");
        c.await("stateChanged", n -> n.path("state").asText().equals("Connected"));
        return c;
    }

    /** Every client connected so far, in order. */
    public List<TestClient> all() {
        return List.copyOf(clients);
    }

    public static String state(JsonNode stateChanged) {
        return stateChanged.path("state").asText();
    }

    public static JsonNode awaitState(TestClient c, String state) {
        return c.await("stateChanged", n -> n.path("state").asText().equals(state));
    }

    @Override
    public void close() throws Exception {
        clients.forEach(TestClient::close);
        server.close();
        calling.close();
        scheduler.shutdownNow();
    }
}
