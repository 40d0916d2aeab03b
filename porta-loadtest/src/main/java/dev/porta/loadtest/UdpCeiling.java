// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.util.Bytes;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's plain UDP forwarding ceiling on loopback, for scale next to the SFU's numbers: one
 * sender thread blasts 1,200-byte datagrams at a forwarder thread that receives each, rewrites SSRC and
 * sequence number in place (the least header work an SFU does) and sends it to {@code fanOut} sink
 * sockets; sinks are not read (the kernel delivers and drops), so the forwarder's cost is the socket
 * work alone. No SRTP, no SFU logic. Warm-up, then a measured window; the forwarder's thread CPU comes
 * from the JVM. It saturates the machine for its duration, so run it on a quiet machine.
 */
final class UdpCeiling {
    record Result(int fanOut, double inPps, double outPps, double outMbps, double cpuMicrosPerSentPacket) { }

    private UdpCeiling() { }

    static Result measure(int fanOut, long warmupMillis, long measureMillis) throws IOException, InterruptedException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<DatagramChannel> sinks = new ArrayList<>();
        try (DatagramChannel forwarder = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
            forwarder.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20).setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            forwarder.bind(new InetSocketAddress(lo, 0));
            List<InetSocketAddress> targets = new ArrayList<>();
            for (int i = 0; i < fanOut; i++) {
                DatagramChannel s = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
                sinks.add(s);
                targets.add((InetSocketAddress) s.getLocalAddress());
            }
            sender.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            sender.connect(forwarder.getLocalAddress());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong forwarded = new AtomicLong();
            long[] forwarderThreadId = new long[1];
            Thread fwd = Thread.ofPlatform().name("udp-forwarder").start(() -> {
                forwarderThreadId[0] = Thread.currentThread().threadId();
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                byte[] header = new byte[12];
                int seq = 0;
                try {
                    while (running.get()) {
                        buf.clear();
                        forwarder.receive(buf);
                        buf.flip();
                        buf.get(0, header);
                        Bytes.put32(header, 8, 0xCAFEBABEL);
                        Bytes.put16(header, 2, seq++ & 0xFFFF);
                        buf.put(0, header);
                        for (InetSocketAddress t : targets) {
                            buf.rewind();
                            forwarder.send(buf, t);
                        }
                        forwarded.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed at the end of the measurement
                }
            });
            Thread snd = Thread.ofPlatform().name("udp-sender").start(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(1200);
                b.put(0, (byte) 0x80);
                try {
                    while (running.get()) {
                        b.clear();
                        sender.write(b);
                    }
                } catch (IOException e) {
                    // the forwarder's buffer was full or the socket closed: the next write retries or ends
                }
            });
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Thread.sleep(warmupMillis);
            long packets0 = forwarded.get();
            long cpu0 = threads.getThreadCpuTime(forwarderThreadId[0]);
            long t0 = System.nanoTime();
            Thread.sleep(measureMillis);
            long packets = forwarded.get() - packets0;
            long cpu = threads.getThreadCpuTime(forwarderThreadId[0]) - cpu0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            sender.close();
            forwarder.close();
            snd.join(2000);
            fwd.join(2000);
            double outPps = packets * fanOut / seconds;
            return new Result(fanOut, packets / seconds, outPps, outPps * 1200 * 8 / 1e6,
                    packets == 0 ? Double.NaN : cpu / 1000.0 / (packets * fanOut));
        } finally {
            for (DatagramChannel s : sinks) {
                s.close();
            }
        }
    }

    /** {@code porta loadtest udp-ceiling [seconds]}: fan-out 1 and 4, 2 s warm-up each. */
    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        long seconds = args.length > 0 ? Math.min(60, Math.max(1, Long.parseLong(args[0]))) : 8;
        out.println("| fan-out | forwarded in (pkt/s) | sent out (pkt/s) | out Mbit/s (1200-byte payload) | forwarder CPU per sent packet (µs) |");
        out.println("|---|---|---|---|---|");
        for (int fanOut : new int[] {1, 4}) {
            Result r = measure(fanOut, 2000, seconds * 1000);
            out.println(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %.2f |", r.fanOut(), r.inPps(), r.outPps(),
                    r.outMbps(), r.cpuMicrosPerSentPacket()));
        }
        return 0;
    }
}
