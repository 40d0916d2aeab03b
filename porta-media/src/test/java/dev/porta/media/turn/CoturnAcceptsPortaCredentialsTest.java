// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.testing.RealCoturn;
import dev.porta.media.api.IceServers;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The credentials Porta hands to admitted participants, checked by a real coturn running the
 * configuration {@code porta admin turn-config} prints: it allocates a relay for them, and refuses them
 * once expired, with a forged password, or with the expiry in the username pushed later.
 */
class CoturnAcceptsPortaCredentialsTest {
    private static final String SECRET = "a-shared-secret-of-32-characters";
    private static RealCoturn coturn;

    @BeforeAll
    static void startCoturn() throws Exception {
        RealCoturn.require();
        int port = RealCoturn.freePort();
        int relay = RealCoturn.relayPortBase();
        CoturnConfig config = new CoturnConfig("porta.test", List.of("127.0.0.1"), port, 0, null, null, relay, relay + 50,
                List.of(), List.of("127.0.0.1"));
        coturn = RealCoturn.start(port, config.render(SECRET));
        awaitReady();
    }

    @AfterAll
    static void stopCoturn() throws Exception {
        if (coturn != null) {
            coturn.close();
        }
    }

    private static void awaitReady() throws Exception {
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end) {
            try (TurnAllocateClient c = client()) {
                if (c.challenge() != null) {
                    return;
                }
            }
            assertThat(coturn.alive()).as("coturn is running; its log:\n" + coturn.log()).isTrue();
        }
        throw new AssertionError("coturn did not answer within 15 s; its log:\n" + coturn.log());
    }

    private static TurnAllocateClient client() throws Exception {
        return new TurnAllocateClient(new InetSocketAddress("127.0.0.1", coturn.port));
    }

    private static IceServers.Server issue(Clock clock, String secret) {
        TurnConfig config = new TurnConfig(List.of("turn:127.0.0.1:" + coturn.port + "?transport=udp"), secret, Duration.ofHours(1));
        return new TurnCredentials(config, clock).issue("p-0123456789abcdef").servers().getFirst();
    }

    @Test
    void coturnAllocatesARelayForTheCredentialsPortaIssues() throws Exception {
        IceServers.Server s = issue(Clock.systemUTC(), SECRET);
        try (TurnAllocateClient c = client()) {
            TurnAllocateClient.Outcome o = c.allocate(s.username(), s.credential());
            assertThat(o.allocated()).as("allocated (error %s); coturn log:\n%s", o.errorCode(), coturn.log()).isTrue();
        }
    }

    @Test
    void coturnRefusesExpiredCredentials() throws Exception {
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        IceServers.Server s = issue(twoHoursAgo, SECRET);
        try (TurnAllocateClient c = client()) {
            TurnAllocateClient.Outcome o = c.allocate(s.username(), s.credential());
            assertThat(o.allocated()).isFalse();
            assertThat(o.errorCode()).isEqualTo(401);
        }
    }

    @Test
    void coturnRefusesAPasswordMadeWithAnotherSecret() throws Exception {
        IceServers.Server s = issue(Clock.systemUTC(), "not-the-shared-secret-but-long-enough");
        try (TurnAllocateClient c = client()) {
            TurnAllocateClient.Outcome o = c.allocate(s.username(), s.credential());
            assertThat(o.allocated()).isFalse();
            assertThat(o.errorCode()).isEqualTo(401);
        }
    }

    @Test
    void coturnRefusesAUsernameWhoseExpiryWasPushedLater() throws Exception {
        IceServers.Server s = issue(Clock.systemUTC(), SECRET);
        long expiry = Long.parseLong(s.username().substring(0, s.username().indexOf(':')));
        String stretched = (expiry + 86_400) + s.username().substring(s.username().indexOf(':'));
        try (TurnAllocateClient c = client()) {
            TurnAllocateClient.Outcome o = c.allocate(stretched, s.credential());
            assertThat(o.allocated()).isFalse();
            assertThat(o.errorCode()).isEqualTo(401);
        }
    }
}
