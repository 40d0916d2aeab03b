// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest.bench;

import dev.porta.media.rtp.RtpPacket;
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

/**
 * The SFU's per-subscriber header work without crypto: parse the publisher's packet (header, mid and rid
 * extensions), then write the subscriber's header (new SSRC, sequence, timestamp, transport-cc) and copy
 * the payload behind it — or, for comparison, rewrite the three fields in place.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtpRewriteBenchmark {
    private final byte[] in = new byte[1500];
    private final byte[] out = new byte[1500];
    private final RtpPacket packet = new RtpPacket();
    private int len;
    private int seq;

    @Setup
    public void setUp() {
        len = Packets.videoPacket(in, 1000) + Packets.PAYLOAD;
    }

    @Benchmark
    public int parseAndWriteSubscriberHeader() {
        packet.wrap(in, 0, len);
        String mid = packet.extensionString(4);
        String rid = packet.extensionString(10);
        int h = Packets.rewrittenHeader(out, seq++, packet.timestamp() + 1234, 0xCAFEBABEL, seq);
        System.arraycopy(in, packet.payloadOffset(), out, h, packet.payloadLength());
        return h + packet.payloadLength() + mid.length() + rid.length();
    }

    @Benchmark
    public long parseAndRewriteInPlace() {
        packet.wrap(in, 0, len);
        packet.setSsrc(0xCAFEBABEL);
        packet.setSequenceNumber(seq++ & 0xFFFF);
        packet.setTimestamp(packet.timestamp() + 1);
        return packet.ssrc();
    }
}
