// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.testing.CallingHarness;
import dev.porta.calling.testing.FakeAuthenticator;
import dev.porta.calling.testing.FakeMediaHost;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.common.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A join storm measured, not asserted: N guests join one meeting at once through the calling engine
 * (in-process connections, so the number is the engine's cost, not the network's). Writes
 * {@code target/join-storm.md}. Run: {@code ./mvnw -Pbenchmark -pl porta-calling -am test -Dtest=JoinStormBenchmark
 * -Dporta.bench.joins=500 -Dporta.bench.rosterVersion=2} (2: batches and pages, as the web library joins; 1: one
 * delta per change and whole snapshots). The same storm on a real node, with real tokens and SFU sessions, is
 * {@code porta loadtest join-storm} (docs/benchmarks.md).
 */
@Tag("benchmark")
class JoinStormBenchmark {

    /** A connection that counts what the engine sends and notes when the participant is connected. */
    static final class CountingConnection implements SignalingConnection {
        final CountDownLatch connected;
        final AtomicLong frames;
        final AtomicLong chars;
        volatile long connectedAt;

        final String address;

        CountingConnection(CountDownLatch connected, AtomicLong frames, AtomicLong chars, String address) {
            this.address = address;
            this.connected = connected;
            this.frames = frames;
            this.chars = chars;
        }

        @Override
        public void send(String text) {
            frames.incrementAndGet();
            chars.addAndGet(text.length());
            if (connectedAt == 0 && text.contains("\"state\":\"Connected\"")) {
                connectedAt = System.nanoTime();
                connected.countDown();
            }
        }

        @Override
        public void close(int code, String reason) { }

        @Override
        public String remoteAddress() {
            return address;
        }
    }

    @Test
    void measuresAJoinStormOfGuestsIntoOneMeeting() throws Exception {
        int joins = Integer.getInteger("porta.bench.joins", 300);
        int rosterVersion = Integer.getInteger("porta.bench.rosterVersion", 2);
        var clock = new MutableClock(CallingHarness.NOW);
        var auth = new FakeAuthenticator(CallingHarness.NOW.plus(Duration.ofHours(24)));
        var meetings = new InMemoryMeetingDirectory();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        var calling = new CallingService(CallingConfig.defaults().withMessageRate(1000, 1000), auth, meetings,
                CallingHarness.chat(CallingConfig.defaults()), new FakeMediaHost(), clock, timer);
        String link = meetings.add(CallingHarness.NOW.minus(Duration.ofMinutes(5)), CallingHarness.NOW.plus(Duration.ofHours(1)),
                LobbyBypassScope.EVERYONE, dev.porta.calling.meeting.AllowedPresenters.ORGANIZATION, List.of(),
                dev.porta.calling.meeting.MeetingPolicy.defaults());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < joins; i++) {
            tokens.add(auth.guest("guest-" + i));
        }
        CountDownLatch connected = new CountDownLatch(joins);
        AtomicLong frames = new AtomicLong();
        AtomicLong chars = new AtomicLong();
        long[] started = new long[joins];
        List<CountingConnection> connections = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < joins; i++) {
                int n = i;
                // one address per guest: the storm is many people, not one address (calling.max-unjoined-per-address)
                CountingConnection conn = new CountingConnection(connected, frames, chars,
                        "198.51." + (n / 250) + "." + (n % 250 + 1));
                connections.add(conn);
                pool.submit(() -> {
                    SignalingSession session = calling.open(conn);
                    started[n] = System.nanoTime();
                    session.onText("{\"v\":1,\"type\":\"join\",\"token\":\"" + tokens.get(n) + "\",\"displayName\":\"Guest " + n
                            + "\",\"locator\":{\"meetingLink\":\"" + link + "\"},\"rosterVersion\":" + rosterVersion + "}");
                });
            }
        }
        assertThat(connected.await(120, TimeUnit.SECONDS)).as("every guest connected").isTrue();
        long total = System.nanoTime() - t0;
        double[] latenciesMs = new double[joins];
        for (int i = 0; i < joins; i++) {
            latenciesMs[i] = (connections.get(i).connectedAt - started[i]) / 1e6;
        }
        Arrays.sort(latenciesMs);
        String report = String.format("""
                # Join storm (porta-calling engine, in-process connections)

                | measure | value |
                | --- | --- |
                | guests joining one meeting at once (roster version %d) | %d |
                | wall time until all connected | %.1f ms |
                | joins per second | %.0f |
                | join latency p50 / p95 / max | %.2f / %.2f / %.2f ms |
                | frames sent to clients in total | %d (%.1f per join) |
                | characters sent in total | %d |
                | available processors | %d |
                """, rosterVersion, joins, total / 1e6, joins / (total / 1e9), latenciesMs[joins / 2], latenciesMs[(int) (joins * 0.95)],
                latenciesMs[joins - 1], frames.get(), frames.get() / (double) joins, chars.get(),
                Runtime.getRuntime().availableProcessors());
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "join-storm.md"), report);
        System.out.println(report);
        calling.close();
        timer.shutdownNow();
    }
}
