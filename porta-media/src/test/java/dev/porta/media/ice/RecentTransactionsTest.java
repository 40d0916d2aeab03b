// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentTransactionsTest {
    private static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 50001);

    @Test
    void everyIdOfTheLastCapacityChecksIsRememberedWhileTheTableGrowsAndWraps() {
        RecentTransactions recent = new RecentTransactions();
        Random random = new Random(1);
        List<byte[]> ids = new ArrayList<>();
        for (int i = 0; i < RecentTransactions.CAPACITY + 10; i++) {
            byte[] tx = new byte[12];
            random.nextBytes(tx);
            ids.add(tx);
            assertThat(recent.check(tx, BROWSER)).isEqualTo(RecentTransactions.Seen.NEW);
        }
        for (int i = 10; i < ids.size(); i++) {
            assertThat(recent.check(ids.get(i), OTHER)).as("id %d", i).isEqualTo(RecentTransactions.Seen.REPLAY);
            assertThat(recent.check(ids.get(i), BROWSER)).as("id %d", i).isEqualTo(RecentTransactions.Seen.RETRANSMISSION);
        }
        assertThat(recent.check(ids.get(0), OTHER)).as("the oldest has been forgotten").isEqualTo(RecentTransactions.Seen.NEW);
    }
}
