// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest.bench;

import dev.porta.media.rtp.RtpPacket;
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
 * Forwarding one published packet to N subscribers, without sockets: unprotect once (the publisher's
 * keys), then per subscriber write its header, copy the payload and protect with its keys. Divide the
 * time by N for the per-sent-packet CPU that the socket work then adds to (see docs/benchmarks.md for
 * the machine's plain UDP ceiling).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {
    @Param({"1", "4", "16"})
    public int subscribers;

    private SrtpContext publisherOut;
    private SrtpContext publisherIn;
    private SrtpContext[] subscriberOut;
    private final byte[] in = new byte[1500];
    private final byte[] out = new byte[1500];
    private final RtpPacket packet = new RtpPacket();
    private int seq;
    private int outSeq;

    @Setup
    public void setUp() {
        publisherOut = Packets.context(SrtpProfile.AEAD_AES_128_GCM, 7);
        publisherIn = Packets.context(SrtpProfile.AEAD_AES_128_GCM, 7);
        subscriberOut = new SrtpContext[subscribers];
        for (int i = 0; i < subscribers; i++) {
            subscriberOut[i] = Packets.context(SrtpProfile.AEAD_AES_128_GCM, 100 + i);
        }
    }

    @Benchmark
    public int forward() {
        // the publisher's side, done by the browser in reality: not part of the SFU's cost, but needed
        // for a fresh packet each time; measured alone by SrtpBenchmark.protect
        int h = Packets.videoPacket(in, seq++);
        int n = publisherOut.protectRtp(in, 0, h + Packets.PAYLOAD, h);

        int plain = publisherIn.unprotectRtp(in, 0, n, h);
        packet.wrap(in, 0, plain);
        int sent = 0;
        int s = outSeq++;
        for (SrtpContext sub : subscriberOut) {
            int oh = Packets.rewrittenHeader(out, s, packet.timestamp(), 0xCAFEBABEL, s);
            System.arraycopy(in, packet.payloadOffset(), out, oh, packet.payloadLength());
            sent += sub.protectRtp(out, 0, oh + packet.payloadLength(), oh);
        }
        return sent;
    }
}
