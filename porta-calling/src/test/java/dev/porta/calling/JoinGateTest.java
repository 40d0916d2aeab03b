// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.calling.auth.Caller;
import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.calling.protocol.ClientMessage.Join;
import dev.porta.calling.protocol.ClientMessage.Locator;
import dev.porta.calling.protocol.EndReason;
import dev.porta.calling.testing.InMemoryMeetingDirectory;
import dev.porta.common.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Join by meeting ID and passcode, attacked: bursts, ID probing, and locking others out. */
class JoinGateTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String PASSCODE = "Xy7Qp2";

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryMeetingDirectory meetings = new InMemoryMeetingDirectory();
    private final AtomicInteger lookups = new AtomicInteger();
    private final MeetingDirectory counting = new MeetingDirectory() {
        @Override
        public Optional<MeetingDetails> findByJoinWebUrl(String joinWebUrl) {
            return meetings.findByJoinWebUrl(joinWebUrl);
        }

        @Override
        public Optional<MeetingDetails> findByJoinMeetingId(String joinMeetingId) {
            lookups.incrementAndGet();
            return meetings.findByJoinMeetingId(joinMeetingId);
        }
    };
    // defaults: 5 attempts per address, 20 per meeting, per 15 minutes
    private final JoinGate gate = new JoinGate(CallingConfig.defaults(), counting, clock);
    private final String joinId = InMemoryMeetingDirectory.joinMeetingId(meetings.add(NOW, NOW.plus(Duration.ofHours(1)),
            LobbyBypassScope.EVERYONE, AllowedPresenters.ORGANIZATION, List.of(), MeetingPolicy.defaults()));

    @Test
    void aParallelBurstOfWrongPasscodesGetsExactlyTheAllowanceEvaluated() throws Exception {
        List<JoinGate.Decision> decisions = burst(100, i -> admit(joinId, "guess" + i, "203.0.113.9"));

        assertThat(decisions).filteredOn(d -> d.equals(refused(EndReason.PASSCODE_WRONG))).hasSize(5);
        assertThat(decisions).filteredOn(d -> d.equals(refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED))).hasSize(95);
        assertThat(lookups.get()).isEqualTo(5);
    }

    @Test
    void anUnknownMeetingIdIsAnsweredAndChargedLikeAWrongPasscode() {
        assertThat(admit("9999999999", PASSCODE, "203.0.113.9")).isEqualTo(refused(EndReason.PASSCODE_WRONG));
        assertThat(admit(joinId, "wrong", "203.0.113.9")).isEqualTo(refused(EndReason.PASSCODE_WRONG));
        for (int i = 0; i < 3; i++) {
            admit("9999999999", PASSCODE, "203.0.113.9");
        }
        assertThat(admit(joinId, PASSCODE, "203.0.113.9")).isEqualTo(refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED));
    }

    @Test
    void whoeverUsesUpAMeetingsSharedAllowanceCannotLockOutEveryoneElse() {
        for (int address = 1; address <= 4; address++) {
            for (int i = 0; i < 5; i++) {
                assertThat(admit(joinId, "guess", "198.51.100." + address)).isEqualTo(refused(EndReason.PASSCODE_WRONG));
            }
        }

        assertThat(admit(joinId, PASSCODE, "192.0.2.50")).isInstanceOf(JoinGate.Decision.Admitted.class);
        // A newcomer who mistypes keeps a few personal attempts, no more.
        for (int i = 0; i < JoinGate.PERSONAL_ATTEMPTS; i++) {
            assertThat(admit(joinId, "typo", "192.0.2.60")).isEqualTo(refused(EndReason.PASSCODE_WRONG));
        }
        assertThat(admit(joinId, PASSCODE, "192.0.2.60")).isEqualTo(refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED));
        assertThat(admit(joinId, PASSCODE, "192.0.2.61")).isInstanceOf(JoinGate.Decision.Admitted.class);
    }

    @Test
    void anIpv6ClientCannotGetFreshAttemptsByHoppingWithinItsNetwork() {
        for (int i = 1; i <= 5; i++) {
            assertThat(admit(joinId, "guess", "2001:db8:7:7::" + i)).isEqualTo(refused(EndReason.PASSCODE_WRONG));
        }
        assertThat(admit(joinId, "guess", "2001:db8:7:7::99")).isEqualTo(refused(EndReason.PASSCODE_ATTEMPTS_EXCEEDED));
    }

    @Test
    void rightPasscodesDoNotUseUpTheAllowance() {
        for (int i = 0; i < 30; i++) {
            assertThat(admit(joinId, PASSCODE, "192.0.2.70")).isInstanceOf(JoinGate.Decision.Admitted.class);
        }
        assertThat(admit(joinId, "typo", "192.0.2.70")).isEqualTo(refused(EndReason.PASSCODE_WRONG));
    }

    private JoinGate.Decision admit(String meetingId, String passcode, String address) {
        Caller guest = new Caller.Guest("8:acs:guest", Set.of("voip"), NOW.plus(Duration.ofHours(1)));
        return gate.admit(guest, new Join("1", "token", new Locator.MeetingIdAndPasscode(meetingId, passcode), "Guest", true),
                address, null);
    }

    private static JoinGate.Decision refused(EndReason reason) {
        return new JoinGate.Decision.Refused(reason);
    }

    @FunctionalInterface
    private interface Attempt {
        JoinGate.Decision run(int i) throws Exception;
    }

    private static List<JoinGate.Decision> burst(int n, Attempt attempt) throws Exception {
        var start = new CountDownLatch(1);
        List<Future<JoinGate.Decision>> futures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.run(k);
                }));
            }
            start.countDown();
            List<JoinGate.Decision> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
