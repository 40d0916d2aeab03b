// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest.bench;

import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What the SFU does for each consent check: parse a browser's Binding Request and verify MESSAGE-INTEGRITY and FINGERPRINT. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunParseBenchmark {
    private static final byte[] PWD = "sfupwdsfupwdsfupwdsfupw".getBytes(StandardCharsets.US_ASCII);
    private final byte[] request = new byte[256];
    private int len;

    @Setup
    public void setUp() {
        byte[] tx = new byte[12];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = (byte) i;
        }
        len = new StunWriter(request, 0, StunMessage.BINDING_REQUEST, tx)
                .text(StunMessage.ATTR_USERNAME, "sfuUfrag:browserUfrag")
                .u32(StunMessage.ATTR_PRIORITY, 1853824767L)
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[8])
                .attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0])
                .messageIntegrity(PWD).fingerprintAndFinish();
    }

    @Benchmark
    public StunMessage parse() {
        return StunMessage.parse(request, 0, len);
    }

    @Benchmark
    public boolean parseAndVerify() {
        StunMessage m = StunMessage.parse(request, 0, len);
        return m.verifyFingerprint() && m.verifyIntegrity(PWD) && m.username() != null;
    }
}
