// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.dtls.DtlsCertificate;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What all synthetic participants of one run share: the recorded media, one DTLS identity, the totals
 * their subscribers add to, the scheduler that paces every publisher, and the transport media takes
 * (UDP, ICE-TCP, or relayed through TURN).
 */
record Env(RecordedMedia media, DtlsCertificate identity, Totals totals, ScheduledExecutorService pacer, Transport transport) {
    boolean tcp() {
        return transport == Transport.TCP;
    }
}
