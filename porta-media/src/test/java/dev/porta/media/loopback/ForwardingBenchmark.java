// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.loopback;

import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: measures forwarded SRTP packets per second per core of the SFU's media thread and its CPU
 * per forwarded packet, next to a plain UDP relay (receive one, send to each subscriber, no crypto) on
 * the same machine in the same run. Run with
 * {@code ./mvnw -pl porta-media test -Dgroups=benchmark -DexcludedGroups=none -Dtest=ForwardingBenchmark};
 * the results go to {@code porta-media/target/benchmarks.md} (or {@code -Dbenchmark.out=...}).
 */
@Tag("benchmark")
class ForwardingBenchmark {
    static final int SUBSCRIBERS = 3;
    static final int PAYLOAD = 1100;
    static final long MEASURE_MILLIS = 5000;
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    record Result(String name, long forwarded, long cpuNanos, long wallNanos) {
        double perCore() {
            return forwarded / (cpuNanos / 1e9);
        }

        double microsPerPacket() {
            return cpuNanos / 1e3 / forwarded;
        }
    }

    @Test
    void run() throws Exception {
        Result plain = plainUdpRelay();
        Result sfu = sfuForwarding();
        String md = "# porta-media forwarding benchmark\n\n"
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name")
                + " " + System.getProperty("os.version") + ", Java " + Runtime.version() + ". Loopback UDP, "
                + PAYLOAD + "-byte payloads, 1 publisher → " + SUBSCRIBERS + " subscribers, " + MEASURE_MILLIS / 1000
                + " s each; generator and receivers run in the same JVM on the same cores, so these are floors.\n"
                + "CPU is the forwarding thread's own CPU time (ThreadMXBean).\n\n"
                + "| path | forwarded packets | forwarded pkt/s (wall) | pkt/s per core of forwarding thread | µs CPU per forwarded packet |\n"
                + "|---|---|---|---|---|\n" + row(plain) + row(sfu);
        Path out = Path.of(System.getProperty("benchmark.out", "target/benchmarks.md"));
        Files.writeString(out, md);
        System.out.println(md);
    }

    static String row(Result r) {
        return String.format("| %s | %d | %.0f | %.0f | %.2f |%n", r.name, r.forwarded,
                r.forwarded / (r.wallNanos / 1e9), r.perCore(), r.microsPerPacket());
    }

    /** Receives from the generator and sends each datagram to every sink: the kernel/NIO ceiling. */
    static Result plainUdpRelay() throws Exception {
        try (DatagramChannel relay = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel gen = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            List<DatagramChannel> sinks = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                sinks.add(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
            }
            AtomicBoolean stop = new AtomicBoolean();
            long[] forwarded = new long[1];
            long[] cpu = new long[1];
            relay.configureBlocking(false);
            Thread t = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(2048);
                long start = CPU.getCurrentThreadCpuTime();
                try {
                    while (!stop.get()) {
                        b.clear();
                        if (relay.receive(b) == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        b.flip();
                        for (DatagramChannel s : sinks) {
                            relay.send(b.duplicate(), s.getLocalAddress());
                            forwarded[0]++;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                cpu[0] = CPU.getCurrentThreadCpuTime() - start;
            }, "plain-relay");
            Thread drain = drainer(sinks, stop);
            t.start();
            long wall = generate(stop, () -> {
                ByteBuffer p = ByteBuffer.allocate(PAYLOAD + 12);
                InetSocketAddress to = (InetSocketAddress) relay.getLocalAddress();
                return () -> {
                    p.clear();
                    gen.send(p, to);
                };
            });
            t.join();
            drain.join();
            for (DatagramChannel s : sinks) {
                s.close();
            }
            // the relay spins when idle, so its CPU includes waiting: a conservative ceiling
            return new Result("plain UDP relay (no crypto)", forwarded[0], cpu[0], wall);
        }
    }

    static Thread drainer(List<DatagramChannel> sinks, AtomicBoolean stop) throws Exception {
        for (DatagramChannel s : sinks) {
            s.configureBlocking(false);
        }
        Thread d = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            try {
                while (!stop.get()) {
                    boolean any = false;
                    for (DatagramChannel s : sinks) {
                        b.clear();
                        any |= s.receive(b) != null;
                    }
                    if (!any) {
                        Thread.sleep(0, 200_000);
                    }
                }
            } catch (Exception e) {
                // closed at the end
            }
        }, "drain");
        d.start();
        return d;
    }

    interface Sender {
        void send() throws Exception;
    }

    /** Sends as fast as the generator can for the measurement window; returns the wall time. */
    static long generate(AtomicBoolean stop, java.util.concurrent.Callable<Sender> factory) throws Exception {
        Sender s = factory.call();
        long start = System.nanoTime();
        long end = start + MEASURE_MILLIS * 1_000_000;
        int n = 0;
        while (System.nanoTime() < end) {
            s.send();
            if ((++n & 63) == 0) {
                Thread.onSpinWait();
            }
        }
        long wall = System.nanoTime() - start;
        Thread.sleep(100);
        stop.set(true);
        return wall;
    }

    static Result sfuForwarding() throws Exception {
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC()); FakePeer pub = new FakePeer()) {
            SfuLoopbackTest.Recorder pubEvents = new SfuLoopbackTest.Recorder();
            MediaSession alice = sfu.open(SfuLoopbackTest.ROOM, new MediaParticipantId("pub"), pubEvents);
            List<FakePeer> subs = new ArrayList<>();
            List<SfuLoopbackTest.Recorder> recs = new ArrayList<>();
            List<MediaSession> sessions = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                SfuLoopbackTest.Recorder r = new SfuLoopbackTest.Recorder();
                recs.add(r);
                sessions.add(sfu.open(SfuLoopbackTest.ROOM, new MediaParticipantId("sub" + i), r));
                subs.add(new FakePeer());
            }
            String answer = alice.answerPublishOffer(SfuLoopbackTest.publishOffer(pub.fingerprint()),
                    Map.of("0", TrackSource.MICROPHONE, "1", TrackSource.CAMERA));
            SfuLoopbackTest.connect(pub, answer, "pubU");
            for (int i = 0; i < SUBSCRIBERS; i++) {
                String offer = recs.get(i).lastOffer();
                sessions.get(i).acceptSubscribeAnswer(SfuLoopbackTest.subscribeAnswer(offer, subs.get(i).fingerprint()));
                SfuLoopbackTest.connect(subs.get(i), offer, "subU");
                SfuLoopbackTest.awaitConnected(recs.get(i));
                subs.get(i).countOnly = true;
            }
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th.getName().equals("porta-media-loop")).findFirst().orElseThrow();
            byte[] key = SfuLoopbackTest.vp8(true);
            SfuLoopbackTest.sendRtp(pub, 96, 0, 0, 2222, 4, "1", key);
            Thread.sleep(200);
            long out0 = sfu.stats().packetsOut();
            long cpu0 = CPU.getThreadCpuTime(loop.threadId());
            AtomicBoolean stop = new AtomicBoolean();
            byte[] payload = new byte[PAYLOAD];
            payload[0] = 0x10;
            payload[1] = 0x51;
            byte[] b = new byte[PAYLOAD + 64];
            int[] seq = {1};
            long wall = generate(stop, () -> () -> {
                int s = seq[0]++ & 0xFFFF;
                b[0] = (byte) 0x80;
                b[1] = 96;
                dev.porta.media.util.Bytes.put16(b, 2, s);
                dev.porta.media.util.Bytes.put32(b, 4, s * 3000L);
                dev.porta.media.util.Bytes.put32(b, 8, 2222);
                System.arraycopy(payload, 0, b, 12, PAYLOAD);
                int n = pub.out.protectRtp(b, 0, 12 + PAYLOAD, 12);
                pub.send(b, 0, n);
            });
            long cpu = CPU.getThreadCpuTime(loop.threadId()) - cpu0;
            long forwarded = sfu.stats().packetsOut() - out0;
            for (FakePeer s : subs) {
                s.close();
            }
            return new Result("Porta SFU (SRTP in, AES-GCM SRTP out, rewrite, cache)", forwarded, cpu, wall);
        }
    }
}
