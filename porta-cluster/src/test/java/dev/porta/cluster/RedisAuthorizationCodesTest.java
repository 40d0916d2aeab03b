// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.common.MutableClock;
import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.directory.oauth.AuthorizationCodes;
import java.time.Instant;
import java.util.ArrayList;
import dev.porta.common.testing.Bursts;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authorization codes in the real Redis, issued by one node and redeemed at another. */
class RedisAuthorizationCodesTest {
    private static final TenantId TENANT = new TenantId("3f1c1b64-1b1e-4c39-8d4e-2b1f4c0e9a11");
    private static final ClientId APP = new ClientId("0d6f2b43-8c87-4d9b-9e61-a1f1c2d3e4f5");
    private static final MemberId MEMBER = new MemberId("6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private TestRedis redis;
    private Redis clientA;
    private Redis clientB;
    private RedisAuthorizationCodes nodeA;
    private RedisAuthorizationCodes nodeB;

    @BeforeEach
    void connect() {
        redis = TestRedis.start();
        clientA = redis.connect();
        clientB = redis.connect();
        nodeA = new RedisAuthorizationCodes(clientA, clock);
        nodeB = new RedisAuthorizationCodes(clientB, clock);
    }

    @AfterEach
    void cleanUp() {
        clientA.close();
        clientB.close();
        redis.close();
    }

    private Optional<String> issue(RedisAuthorizationCodes node, MemberId member, ClientId app) {
        return node.issue(TENANT, app, member, "https://app.example/signed-in", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Set.of("openid", "OnlineMeetings.ReadWrite"), "https://graph.microsoft.com");
    }

    @Test
    void aCodeIssuedByOneNodeIsRedeemedOnceAtAnotherAndNeverAgainAnywhere() {
        String code = issue(nodeA, MEMBER, APP).orElseThrow();

        var grant = nodeB.redeem(code).orElseThrow();

        assertThat(grant.tenant()).isEqualTo(TENANT);
        assertThat(grant.client()).isEqualTo(APP);
        assertThat(grant.member()).isEqualTo(MEMBER);
        assertThat(grant.redirectUri()).isEqualTo("https://app.example/signed-in");
        assertThat(grant.codeChallenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assertThat(grant.scopes()).containsExactlyInAnyOrder("openid", "OnlineMeetings.ReadWrite");
        assertThat(grant.audience()).isEqualTo("https://graph.microsoft.com");
        assertThat(grant.expiresAt()).isEqualTo(clock.instant().plus(AuthorizationCodes.LIFETIME));
        assertThat(nodeB.redeem(code)).isEmpty();
        assertThat(nodeA.redeem(code)).isEmpty();
    }

    @Test
    void twoNodesRedeemingOneCodeAtOnceGiveItToExactlyOne() throws Exception {
        for (int round = 0; round < 20; round++) {
            String code = issue(nodeA, MEMBER, APP).orElseThrow();
            List<RedisAuthorizationCodes> nodes = List.of(nodeA, nodeB, nodeA, nodeB);
            List<Boolean> redeemed = Bursts.run(nodes.size(), n -> nodes.get(n).redeem(code).isPresent());
            assertThat(redeemed).containsOnlyOnce(true);
        }
    }

    @Test
    void aCodeIsRefusedOnceItsFiveMinutesArePast() {
        String code = issue(nodeA, MEMBER, APP).orElseThrow();

        clock.advance(AuthorizationCodes.LIFETIME);

        assertThat(nodeB.redeem(code)).isEmpty();
    }

    @Test
    void aMemberHoldsAtMostTenCodesAcrossNodesAndANewOneReplacesTheOldest() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < AuthorizationCodes.MAX_PER_MEMBER + 3; i++) {
            codes.add(issue(i % 2 == 0 ? nodeA : nodeB, MEMBER, APP).orElseThrow());
        }

        for (int i = 0; i < 3; i++) {
            assertThat(nodeA.redeem(codes.get(i))).as("replaced code %d", i).isEmpty();
        }
        for (int i = 3; i < codes.size(); i++) {
            assertThat(nodeB.redeem(codes.get(i))).as("code %d", i).isPresent();
        }
    }

    @Test
    void anAppHoldsAtMostItsCapOfUnredeemedCodesAndARedeemedOneFreesItsPlace() {
        List<String> codes = new ArrayList<>();
        int members = AuthorizationCodes.MAX_PER_CLIENT / AuthorizationCodes.MAX_PER_MEMBER;
        for (int m = 0; m < members; m++) {
            MemberId member = new MemberId(String.format("6a1b2c3d-4e5f-4a6b-8c7d-%012d", m));
            for (int i = 0; i < AuthorizationCodes.MAX_PER_MEMBER; i++) {
                codes.add(issue(m % 2 == 0 ? nodeA : nodeB, member, APP).orElseThrow());
            }
        }

        assertThat(issue(nodeB, MEMBER, APP)).isEmpty();
        ClientId otherApp = new ClientId("11111111-2222-4333-8444-555555555555");
        assertThat(issue(nodeB, MEMBER, otherApp)).isPresent(); // the cap is per app

        assertThat(nodeA.redeem(codes.getFirst())).isPresent();
        assertThat(issue(nodeB, MEMBER, APP)).isPresent();
    }

    @Test
    void whileRedisCannotBeReachedNoCodeIsIssuedOrRedeemed() {
        String code = issue(nodeA, MEMBER, APP).orElseThrow();
        clientB.close();

        assertThat(nodeB.redeem(code)).isEmpty();
        assertThat(issue(nodeB, MEMBER, APP)).isEmpty();
        assertThat(nodeA.redeem(code)).isPresent(); // still there for a node that can reach Redis
    }
}
