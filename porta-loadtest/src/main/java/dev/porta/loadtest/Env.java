// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What all synthetic participants of one run share: the recorded media, one DTLS identity, the totals
 * their subscribers add to, and the scheduler that paces every publisher.
 */
record Env(RecordedMedia media, DtlsClient.Identity identity, Totals totals, ScheduledExecutorService pacer) { }
