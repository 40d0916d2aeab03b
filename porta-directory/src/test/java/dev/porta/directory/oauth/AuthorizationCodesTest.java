// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizationCodesTest {
    private static final TenantId TENANT = new TenantId("22222222-2222-4222-8222-222222222222");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final AuthorizationCodes codes = new AuthorizationCodes(clock);

    @Test
    void aMemberScriptingSignInsKeepsOnlyTheirNewestCodesAndOthersCanStillSignIn() {
        ClientId app = ClientId.random();
        MemberId mallory = MemberId.random();
        String first = issue(app, mallory).orElseThrow();

        for (int i = 0; i < AuthorizationCodes.MAX_OUTSTANDING + 10; i++) {
            assertThat(issue(app, mallory)).isPresent();
        }

        assertThat(codes.outstanding()).isEqualTo(AuthorizationCodes.MAX_PER_MEMBER);
        assertThat(codes.redeem(first)).as("replaced by newer codes").isEmpty();
        assertThat(issue(app, MemberId.random())).isPresent();
    }

    @Test
    void oneAppCannotTakeTheWholeStoreAndExpiredCodesMakeRoom() {
        ClientId busy = ClientId.random();
        for (int i = 0; i < AuthorizationCodes.MAX_PER_CLIENT; i++) {
            assertThat(issue(busy, MemberId.random())).isPresent();
        }

        assertThat(issue(busy, MemberId.random())).isEmpty();
        assertThat(issue(ClientId.random(), MemberId.random())).as("another app").isPresent();

        clock.advance(AuthorizationCodes.LIFETIME);
        assertThat(issue(busy, MemberId.random())).isPresent();
        assertThat(codes.outstanding()).isEqualTo(1);
    }

    @Test
    void theNodeHoldsAtMostMaxOutstanding() {
        int apps = AuthorizationCodes.MAX_OUTSTANDING / AuthorizationCodes.MAX_PER_CLIENT;
        for (int a = 0; a < apps; a++) {
            ClientId app = ClientId.random();
            for (int i = 0; i < AuthorizationCodes.MAX_PER_CLIENT; i++) {
                issue(app, MemberId.random()).orElseThrow();
            }
        }

        assertThat(issue(ClientId.random(), MemberId.random())).isEmpty();
    }

    @Test
    void aRedeemedCodeFreesItsPlace() {
        ClientId app = ClientId.random();
        MemberId megan = MemberId.random();
        String code = issue(app, megan).orElseThrow();

        assertThat(codes.redeem(code)).isPresent();
        assertThat(codes.redeem(code)).isEmpty();
        assertThat(codes.outstanding()).isZero();
    }

    private Optional<String> issue(ClientId app, MemberId member) {
        return codes.issue(TENANT, app, member, "https://app.example/cb", "c".repeat(43), Set.of("OnlineMeetings.ReadWrite"),
                "https://graph.microsoft.com");
    }
}
