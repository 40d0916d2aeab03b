// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Review finding L2: USE-CANDIDATE appended after MESSAGE-INTEGRITY was honoured, FINGERPRINT was
 * optional and a replayed check moved media. Checks are built the way Chromium builds them
 * (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE on the selected pair, MESSAGE-INTEGRITY,
 * FINGERPRINT, a new random transaction id each time).
 */
class IceLiteResponderTest {
    private static final String UFRAG = "sfuU";
    private static final byte[] PWD = "sfupasswordsfupassword01".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.1", 50001);
    private static final InetSocketAddress NEW_NETWORK = new InetSocketAddress("127.0.0.2", 50002);

    private final Random random = new Random(7);
    private final IceLiteResponder ice = new IceLiteResponder();
    private final Selecting endpoint = new Selecting();
    private final List<InetSocketAddress> answeredTo = new ArrayList<>();

    /** What {@code PeerTransport} does with checks: the first picks the address, nominations move it. */
    private static final class Selecting implements IceLiteResponder.Endpoint {
        InetSocketAddress selected;
        int checks;

        @Override
        public byte[] localPassword() {
            return PWD;
        }

        @Override
        public void checked(InetSocketAddress from, Link via, boolean nominated) {
            checks++;
            if (selected == null || nominated) {
                selected = from;
            }
        }
    }

    IceLiteResponderTest() {
        ice.register(UFRAG, endpoint);
    }

    @Test
    void aCapturedNominatingCheckReplayedFromAnotherAddressDoesNotMoveMedia() {
        byte[] check = check(true, true, false);
        handle(check, BROWSER);
        assertThat(endpoint.selected).isEqualTo(BROWSER);
        for (int i = 0; i < 10; i++) {
            handle(check.clone(), ATTACKER);
        }
        assertThat(endpoint.selected).isEqualTo(BROWSER);
        assertThat(endpoint.checks).isEqualTo(1);
        assertThat(answeredTo).containsExactly(BROWSER);
        assertThat(ice.replayed()).isEqualTo(10);
    }

    @Test
    void aRetransmittedCheckFromTheSameAddressIsAnsweredAgainButCountsOnce() {
        byte[] check = check(true, true, false);
        handle(check, BROWSER);
        handle(check.clone(), BROWSER);
        assertThat(answeredTo).containsExactly(BROWSER, BROWSER);
        assertThat(endpoint.checks).isEqualTo(1);
        assertThat(ice.replayed()).isZero();
    }

    @Test
    void aUseCandidateAppendedAfterMessageIntegrityDoesNotNominate() {
        handle(check(true, true, false), BROWSER);
        handle(check(false, true, true), ATTACKER); // a fresh check, but its USE-CANDIDATE is not covered
        assertThat(endpoint.checks).isEqualTo(2);
        assertThat(endpoint.selected).isEqualTo(BROWSER);
    }

    @Test
    void aCheckWithoutFingerprintIsRefused() {
        handle(check(true, false, false), BROWSER);
        assertThat(endpoint.checks).isZero();
        assertThat(endpoint.selected).isNull();
        assertThat(answeredTo).isEmpty();
        assertThat(ice.unauthorized()).isEqualTo(1);
    }

    @Test
    void consentChecksWithNewTransactionIdsFromTheSameAddressKeepWorking() {
        for (int i = 0; i < 3 * RecentTransactions.CAPACITY; i++) {
            handle(check(i % 2 == 0, true, false), BROWSER);
        }
        assertThat(endpoint.checks).isEqualTo(3 * RecentTransactions.CAPACITY);
        assertThat(answeredTo).hasSize(3 * RecentTransactions.CAPACITY);
        assertThat(endpoint.selected).isEqualTo(BROWSER);
    }

    @Test
    void aFreshAuthenticatedNominationFromANewAddressStillMovesMedia() {
        handle(check(true, true, false), BROWSER);
        handle(check(false, true, false), BROWSER);
        handle(check(true, true, false), NEW_NETWORK);
        assertThat(endpoint.selected).isEqualTo(NEW_NETWORK);
        assertThat(answeredTo).containsExactly(BROWSER, BROWSER, NEW_NETWORK);
    }

    @Test
    void aCheckWithAWrongPasswordIsRefused() {
        byte[] check = check(true, true, false);
        check[check.length - 20] ^= 1; // inside MESSAGE-INTEGRITY (FINGERPRINT is the last 8 bytes)
        handle(check, BROWSER);
        assertThat(endpoint.checks).isZero();
        assertThat(ice.unauthorized()).isEqualTo(1);
    }

    private void handle(byte[] b, InetSocketAddress from) {
        ice.handle(b, 0, b.length, from, new Link() {
            @Override
            public void send(byte[] out, int off, int len, InetSocketAddress to) {
                StunMessage r = StunMessage.parse(out, off, len);
                assertThat(r.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
                assertThat(r.verifyIntegrity(PWD)).isTrue();
                answeredTo.add(to);
            }

            @Override
            public Route route(InetSocketAddress f) {
                return null;
            }

            @Override
            public void route(InetSocketAddress f, Route owner) { }

            @Override
            public void unroute(InetSocketAddress f, Route owner) { }

            @Override
            public String protocol() {
                return "udp";
            }
        });
    }

    /** A Chromium-like check; {@code appendUseCandidate} puts USE-CANDIDATE after MESSAGE-INTEGRITY. */
    private byte[] check(boolean nominate, boolean fingerprint, boolean appendUseCandidate) {
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        byte[] b = new byte[256];
        StunWriter w = new StunWriter(b, 0, StunMessage.BINDING_REQUEST, tx)
                .text(StunMessage.ATTR_USERNAME, UFRAG + ":browserU")
                .u32(StunMessage.ATTR_PRIORITY, 1853824767L)
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[8]);
        if (nominate) {
            w.attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]);
        }
        w.messageIntegrity(PWD);
        if (appendUseCandidate) {
            w.attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]);
        }
        int n = fingerprint ? w.fingerprintAndFinish() : w.finish();
        return Arrays.copyOf(b, n);
    }
}
