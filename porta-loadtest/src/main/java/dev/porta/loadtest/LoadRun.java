// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.dtls.DtlsCertificate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario against one target: prepares meetings and credentials, starts participants at the
 * ramp rate, samples the node once a second (and prints a progress line), holds the load, stops every
 * participant, and sums up. Every run ends by itself after ramp + hold.
 */
final class LoadRun {
    private static final long SETTLE_NANOS = 5_000_000_000L;
    private final Target target;
    private final Scenario scenario;
    private final RecordedMedia media;
    private final PrintStream progress;
    private long nodePacketsOut = -1;
    private final Transport transport;
    /** The TURN server's process (its CPU is measured apart from the node's), or -1. */
    private final long relayPid;

    LoadRun(Target target, Scenario scenario, RecordedMedia media, PrintStream progress) {
        this(target, scenario, media, progress, Transport.UDP, -1);
    }

    /** With {@code tcp}, every peer connection uses the server's ICE-TCP candidate instead of UDP. */
    LoadRun(Target target, Scenario scenario, RecordedMedia media, PrintStream progress, boolean tcp) {
        this(target, scenario, media, progress, tcp ? Transport.TCP : Transport.UDP, -1);
    }

    /**
     * Media over {@code transport}; with {@link Transport#RELAY} through the TURN server Porta names in its
     * iceServers, whose process {@code relayPid} (or -1) is sampled like the node's.
     */
    LoadRun(Target target, Scenario scenario, RecordedMedia media, PrintStream progress, Transport transport, long relayPid) {
        this.target = target;
        this.scenario = scenario;
        this.media = media;
        this.progress = progress;
        this.transport = transport;
        this.relayPid = relayPid;
    }

    RunResult run() throws Exception {
        Totals totals = new Totals();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("pacer-", 0).daemon().factory());
        Env env = new Env(media, DtlsCertificate.generate(java.time.Instant.now()), totals, pacer, transport);
        target.prepare(scenario);
        NodeProbe node = new NodeProbe(target.nodePid());
        CpuMeter nodeCpu = new CpuMeter(node::cpuNanos);
        CpuMeter genCpu = new CpuMeter(new NodeProbe(ProcessHandle.current().pid())::cpuNanos);
        CpuMeter relayCpu = new CpuMeter(relayPid > 0 ? new NodeProbe(relayPid)::cpuNanos : () -> -1);
        List<SyntheticParticipant> participants = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<RunResult.Sample> timeline = new ArrayList<>();

        long nodeOutAtStart = target.nodePacketsOut();
        long start = System.nanoTime();
        long rampNanos = scenario.ramp().toNanos();
        long end = start + rampNanos + scenario.hold().toNanos();
        long steadyFrom = start + rampNanos + Math.min(SETTLE_NANOS, scenario.hold().toNanos() / 4);
        long lastSample = start;
        long lastPackets = 0;
        long lastBytes = 0;
        long lastExpected = 0;
        long steadyPackets = 0;
        long steadyBytes = 0;
        double steadySeconds = 0;
        double maxRss = 0;
        boolean interactive = System.console() != null;
        try {
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                while (participants.size() < scenario.participants()
                        && now - start >= (long) (participants.size() * 1e9 / scenario.joinsPerSecond())) {
                    int i = participants.size();
                    int meeting = i % scenario.meetings();
                    int index = i / scenario.meetings();
                    SyntheticParticipant p = target.participant(env, meeting, index, index < scenario.audioPublishers(),
                            index < scenario.videoPublishers());
                    participants.add(p);
                    threads.add(Thread.ofVirtual().name("participant-" + i).start(p));
                }
                if (now - lastSample >= 1_000_000_000L) {
                    double dt = (now - lastSample) / 1e9;
                    boolean steady = now >= steadyFrom;
                    double cpu = CpuMeter.percentOfACore(nodeCpu.sample(steady), dt);
                    double genPct = CpuMeter.percentOfACore(genCpu.sample(steady), dt);
                    relayCpu.sample(steady);
                    long packets = totals.packets.sum();
                    long bytes = totals.bytes.sum();
                    long expected = totals.expected.sum();
                    long rssBytes = node.rssBytes();
                    double rss = rssBytes < 0 ? Double.NaN : rssBytes / 1e6; // unknown stays unknown (Math.max keeps NaN)
                    maxRss = Math.max(maxRss, rss);
                    long dExpected = expected - lastExpected;
                    double loss = CpuMeter.lossPercent(dExpected, packets - lastPackets);
                    int active = (int) participants.stream().filter(p -> p.connectedNanos() > 0 && p.failure() == null).count();
                    RunResult.Sample s = new RunResult.Sample(round((now - start) / 1e9), active, round(cpu), round(rss),
                            round(genPct), round((packets - lastPackets) / dt), round((bytes - lastBytes) * 8 / dt / 1e6),
                            round(loss));
                    timeline.add(s);
                    if (steady) {
                        steadyPackets += packets - lastPackets;
                        steadyBytes += bytes - lastBytes;
                        steadySeconds += dt;
                    }
                    lastSample = now;
                    lastPackets = packets;
                    lastBytes = bytes;
                    lastExpected = expected;
                    printProgress(s, (end - start) / 1e9, participants, totals, interactive);
                }
                Thread.sleep(50);
            }
        } finally {
            participants.forEach(SyntheticParticipant::stop);
            for (Thread t : threads) {
                t.join(5000);
            }
            pacer.shutdownNow();
            if (interactive) {
                progress.println();
            }
        }
        nodeCpu.sample(false); // the whole run's CPU ends with the run, after the last one-second sample
        double wholeSeconds = (System.nanoTime() - start) / 1e9;
        long nodeOutAtEnd = target.nodePacketsOut();
        nodePacketsOut = nodeOutAtStart < 0 || nodeOutAtEnd < 0 ? -1 : nodeOutAtEnd - nodeOutAtStart;
        return summarize(participants, totals, timeline, nodeCpu.steadySeconds(), genCpu.steadySeconds(), steadyPackets,
                steadyBytes, steadySeconds, maxRss, relayPid > 0 ? relayCpu.steadySeconds() : Double.NaN,
                CpuMeter.microsPerPacket(nodeCpu.wholeSeconds(), totals.packets.sum()), wholeSeconds);
    }

    private void printProgress(RunResult.Sample s, double total, List<SyntheticParticipant> participants, Totals totals,
                               boolean interactive) {
        long failed = participants.stream().filter(p -> p.failure() != null).count();
        String line = String.format(Locale.ROOT,
                "[%s] %4.0f/%.0f s  participants %d/%d (failed %d)  node CPU %5.1f%%  RSS %4.0f MB  "
                        + "%,8.0f pkt/s %6.1f Mbit/s received  loss %.2f%%  delay p50 %.2f ms",
                target.name(), s.t(), total, s.participants(), scenario.participants(), failed, s.nodeCpuPercent(),
                s.nodeRssMb(), s.packetsPerSecond(), s.mbitPerSecond(), s.lossPercent(), totals.delay.quantileMillis(0.5));
        if (interactive) {
            progress.print("\r" + line);
        } else if (s.t() < 1.5 || ((int) s.t()) % 5 == 0) {
            progress.println(line);
        }
        progress.flush();
    }

    private RunResult summarize(List<SyntheticParticipant> participants, Totals totals, List<RunResult.Sample> timeline,
                                double nodeCpuSeconds, double genCpuSeconds, long packets, long bytes, double seconds,
                                double maxRss, double relayCpuSeconds, double wholeRunCpuMicrosPerPacket,
                                double wholeSeconds) {
        List<Double> toMedia = new ArrayList<>();
        List<Double> toConnected = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        double[] audioJitter = {0, 0};
        double[] videoJitter = {0, 0};
        int joined = 0;
        for (SyntheticParticipant p : participants) {
            if (p.connectedNanos() > 0) {
                joined++;
                toConnected.add((p.connectedNanos() - p.joinSentNanos()) / 1e6);
            }
            long from = mediaReceivableFrom(participants, p);
            if (p.firstMediaNanos() > 0 && from > 0) {
                toMedia.add((p.firstMediaNanos() - from) / 1e6);
            }
            if (p.failure() != null && failures.size() < 10) {
                failures.add(p.failure());
            }
            double[] a = p.jitterSums(true);
            double[] v = p.jitterSums(false);
            audioJitter[0] += a[0];
            audioJitter[1] += a[1];
            videoJitter[0] += v[0];
            videoJitter[1] += v[1];
        }
        long failed = participants.stream().filter(p -> p.failure() != null).count();
        long expected = totals.expected.sum();
        long received = totals.packets.sum();
        double pps = seconds > 0 ? packets / seconds : Double.NaN;
        double cpuPct = CpuMeter.percentOfACore(nodeCpuSeconds, seconds);
        return new RunResult(target.name(), scenario.name(), scenario.meetings(), scenario.participantsPerMeeting(),
                scenario.videoPublishers(), scenario.audioPublishers(), target.inProcess(), scenario.participants(), joined,
                (int) failed, failures, RunResult.Quantiles.of(toMedia), RunResult.Quantiles.of(toConnected),
                round(CpuMeter.lossPercent(expected, received)),
                round(audioJitter[1] == 0 ? Double.NaN : audioJitter[0] / audioJitter[1]),
                round(videoJitter[1] == 0 ? Double.NaN : videoJitter[0] / videoJitter[1]),
                totals.delay.quantileMillis(0.5), totals.delay.quantileMillis(0.95), totals.delay.quantileMillis(0.99),
                round(cpuPct), round(maxRss), round(CpuMeter.percentOfACore(genCpuSeconds, seconds)), round(pps),
                round(seconds > 0 ? bytes * 8 / seconds / 1e6 : Double.NaN),
                round(CpuMeter.microsPerPacket(nodeCpuSeconds, packets)), round(wholeRunCpuMicrosPerPacket), round(wholeSeconds),
                round(joined > 0 ? cpuPct / joined : Double.NaN), totals.sent.sum(), received,
                totals.retransmissions.sum(), totals.nacksSent.sum(), nodePacketsOut, totals.generatorLagEvents.sum(), round(seconds), List.copyOf(timeline),
                transport.label(), round(CpuMeter.percentOfACore(relayCpuSeconds, seconds)),
                round(CpuMeter.microsPerPacket(relayCpuSeconds, packets)), totals.relayedPackets.sum());
    }

    /**
     * Join time starts when the participant asked to join or, if later, when someone else in its meeting
     * started publishing: the first to join has nothing to receive until then, and a slow ramp must not
     * count as slow joining. -1 when nobody else published.
     */
    private long mediaReceivableFrom(List<SyntheticParticipant> all, SyntheticParticipant p) {
        int i = all.indexOf(p);
        long firstOther = Long.MAX_VALUE;
        for (int j = i % scenario.meetings(); j < all.size(); j += scenario.meetings()) {
            long t = all.get(j).publishStartedNanos();
            if (j != i && t > 0) {
                firstOther = Math.min(firstOther, t);
            }
        }
        return firstOther == Long.MAX_VALUE || p.joinSentNanos() < 0 ? -1 : Math.max(p.joinSentNanos(), firstOther);
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
