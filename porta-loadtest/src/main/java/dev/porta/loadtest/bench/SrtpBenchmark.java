// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest.bench;

import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SRTP on a 1,100-byte video payload with Porta's {@link SrtpContext}, per profile. Unprotect needs a
 * fresh sequence number each time (replay protection), so it is measured as protect + unprotect of the
 * same packet; unprotect alone ≈ {@code protectAndUnprotect − protect}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {
    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public String profile;

    private SrtpContext sender;
    private SrtpContext receiver;
    private final byte[] buf = new byte[1500];
    private int seq;

    @Setup
    public void setUp() {
        SrtpProfile p = SrtpProfile.valueOf(profile);
        sender = Packets.context(p, 1);
        receiver = Packets.context(p, 1);
    }

    @Benchmark
    public int protect() {
        int h = Packets.videoPacket(buf, seq++);
        return sender.protectRtp(buf, 0, h + Packets.PAYLOAD, h);
    }

    @Benchmark
    public int protectAndUnprotect() {
        int h = Packets.videoPacket(buf, seq++);
        int n = sender.protectRtp(buf, 0, h + Packets.PAYLOAD, h);
        return receiver.unprotectRtp(buf, 0, n, h);
    }
}
