// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code porta loadtest}: runs a scenario against Porta (and a reference SFU) on loopback and writes the report. */
public final class LoadTestMain {
    static final String USAGE = """
            Usage: porta loadtest [run] [options]      run a scenario, write report.json, report.md, report.png
                   porta loadtest jmh [JMH options]    the hot-path microbenchmarks (e.g. -f 1 -wi 3 -i 5)
                   porta loadtest join-storm [options] N guests join one meeting at R/s, signalling only
                                                       (join-storm --help)
                   porta loadtest udp-ceiling [SECONDS] the machine's plain UDP forwarding ceiling (loopback;
                                                       saturates the machine: run it when it is quiet)

            Scenario (a preset, then overrides):
              --scenario NAME     meetings (default: 4 meetings x 5, all on camera and microphone),
                                  audio (1 x 60, 4 talking), presenter (1 x 40, one on camera)
              --meetings N        meetings
              --participants M    participants per meeting
              --video P           participants per meeting publishing camera (VP8 simulcast, 3 layers)
              --audio A           participants per meeting publishing microphone (Opus)
              --rate R            joins per second (ramp-up)
              --hold DURATION     how long the full load holds after the last join (e.g. 300s, 5m)

            Servers (everything on 127.0.0.1; each started here is stopped at the end):
              --target T          porta (default), janus, or both (same scenario, one after the other)
              --transport X       udp (default); tcp: Porta's media over ICE-TCP (RFC 6544/4571);
                                  relay: through a coturn started here on 127.0.0.1, with the TURN
                                  credentials Porta hands each participant (ChannelData over UDP);
                                  its CPU is reported apart. Janus is measured over UDP either way
              --turnserver FILE   coturn's binary for --transport relay (default /usr/bin/turnserver)
              --porta-jar FILE    start this porta.jar (default $PORTA_JAR, else porta-server/target/porta.jar)
              --demo-json FILE    or use a running Porta's demo.json (then --pid PID for its CPU and memory)
              --janus FILE        the janus binary (default /usr/bin/janus)
              --janus-event-loops N  Janus's event_loops: 0 (default) keeps its thread per handle,
                                  N shares N threads among all handles (like Porta's media.loops)
              --out DIR           report directory (default loadtest-reports/<time>)
            """;

    private LoadTestMain() { }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            org.openjdk.jmh.Main.main(rest);
            return;
        }
        if (args.length > 0 && args[0].equals("join-storm")) {
            System.exit(joinStorm(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("udp-ceiling")) {
            System.exit(UdpCeiling.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("run")) {
                continue;
            }
            if (a.equals("help") || a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                err.println("porta loadtest: unexpected '" + a + "'\n");
                err.print(USAGE);
                return 2;
            }
            o.put(a.substring(2), args[++i]);
        }
        try {
            Scenario base = Scenario.preset(o.getOrDefault("scenario", "meetings"));
            Scenario s = base.with(intOpt(o, "meetings", base.meetings()), intOpt(o, "participants", base.participantsPerMeeting()),
                    intOpt(o, "video", base.videoPublishers()), intOpt(o, "audio", base.audioPublishers()),
                    Double.parseDouble(o.getOrDefault("rate", Double.toString(base.joinsPerSecond()))),
                    o.containsKey("hold") ? duration(o.get("hold")) : base.hold());
            Path outDir = Path.of(o.getOrDefault("out", "loadtest-reports/"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            Files.createDirectories(outDir);
            String which = o.getOrDefault("target", "porta");
            if (!List.of("porta", "janus", "both").contains(which)) {
                throw new IllegalArgumentException("--target must be porta, janus or both");
            }
            Transport transport = Transport.parse(o.getOrDefault("transport", "udp"));
            if (transport == Transport.RELAY && o.containsKey("demo-json")) {
                throw new IllegalArgumentException("--transport relay starts its own coturn and Porta; it cannot use --demo-json");
            }
            RecordedMedia media = RecordedMedia.load();
            List<RunResult> results = new ArrayList<>();
            if (!which.equals("janus")) {
                try (CoturnProcess coturn = transport == Transport.RELAY
                        ? CoturnProcess.start(Path.of(o.getOrDefault("turnserver", "/usr/bin/turnserver")), outDir) : null;
                     Target t = o.containsKey("demo-json")
                        ? PortaTarget.attach(Path.of(o.get("demo-json")), attachedPid(o, err), false)
                        : PortaTarget.start(Path.of(o.getOrDefault("porta-jar",
                                System.getenv().getOrDefault("PORTA_JAR", "porta-server/target/porta.jar"))), outDir,
                                coturn == null ? Map.of() : coturn.portaEnvironment())) {
                    results.add(new LoadRun(t, s, media, err, transport, coturn == null ? -1 : coturn.pid()).run());
                }
            }
            if (!which.equals("porta")) {
                try (Target t = JanusTarget.start(Path.of(o.getOrDefault("janus", "/usr/bin/janus")), outDir,
                        intOpt(o, "janus-event-loops", 0))) {
                    results.add(new LoadRun(t, s, media, err).run());
                }
            }
            Report.write(outDir, results, o.getOrDefault("note", "measured on loopback, generator on the same machine"),
                    "porta loadtest " + String.join(" ", args));
            out.println("report: " + outDir.resolve("report.md").toAbsolutePath());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("porta loadtest: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("porta loadtest: " + e);
            return 1;
        }
    }

    /** The attached server's process id from --pid; without it the node's CPU and memory are unknown, and said so. */
    static long attachedPid(Map<String, String> o, PrintStream err) {
        if (!o.containsKey("pid")) {
            err.println("porta loadtest: no --pid for the running Porta: its CPU and memory are reported as unknown (–)");
            return -1;
        }
        long pid = Long.parseLong(o.get("pid"));
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new IllegalArgumentException("--pid " + pid + ": no such process");
        }
        return pid;
    }

    static int joinStorm(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.print(JoinStorm.USAGE);
                return 2;
            }
            o.put(args[i].substring(2), args[++i]);
        }
        try {
            return JoinStorm.run(o, "porta loadtest join-storm " + String.join(" ", args), out, err);
        } catch (IllegalArgumentException e) {
            err.println("porta loadtest join-storm: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("porta loadtest join-storm: " + e);
            return 1;
        }
    }

    private static int intOpt(Map<String, String> o, String name, int def) {
        return o.containsKey(name) ? Integer.parseInt(o.get(name)) : def;
    }

    static Duration duration(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    }
}
