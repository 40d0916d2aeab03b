// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code porta loadtest join-storm}: N guests join one meeting of a real Porta node (started from its jar, or
 * attached) at R joins per second, signalling only: each guest's token is minted by the node's Identity API and
 * verified by its calling service, and each join opens a real SFU session. Measures join time (join sent to
 * {@code Connected}), what each client received, and the node's CPU and memory over the storm.
 */
final class JoinStorm {
    static final String USAGE = """
            Usage: porta loadtest join-storm [options]
              --joins N            guests joining one meeting (default 1000)
              --rate R             joins per second (default 100)
              --roster-version V   1 (every change, whole snapshots) or 2 (batches and pages; what the web
                                   library speaks; omit for a server that predates it) (default 2)
              --porta-jar FILE     start this porta.jar (default $PORTA_JAR, else porta-server/target/porta.jar)
              --node-config K=V,.. porta.conf keys for the node (e.g. calling.compression=false)
              --out DIR            report directory
            """;

    /** One guest's socket: counts what it receives and notes when it is Connected. */
    private static final class Guest implements WebSocket.Listener {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong frames = new AtomicLong();
        final CountDownLatch connected;
        final StringBuilder partial = new StringBuilder();
        volatile long sentAt;
        volatile long connectedAt;
        volatile boolean refused;
        /** The refusal's end reason, or why the socket could not be opened. */
        volatile String failure;

        Guest(CountDownLatch connected) {
            this.connected = connected;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                frames.incrementAndGet();
                bytes.addAndGet(text.getBytes(StandardCharsets.UTF_8).length);
                if (connectedAt == 0 && text.contains("\"type\":\"stateChanged\"")) {
                    if (text.contains("\"state\":\"Connected\"")) {
                        connectedAt = System.nanoTime();
                    } else {
                        refused = true;
                        int at = text.indexOf("callEndReason");
                        failure = at < 0 ? text : text.substring(at, Math.min(text.length(), at + 120));
                    }
                    connected.countDown();
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** HTTP clients the guests' sockets are spread over. */
    private static final int CLIENTS = 16;

    private JoinStorm() { }

    static int run(Map<String, String> o, String command, PrintStream out, PrintStream err) throws Exception {
        int joins = Integer.parseInt(o.getOrDefault("joins", "1000"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "100"));
        int rosterVersion = Integer.parseInt(o.getOrDefault("roster-version", "2"));
        if (joins < 1 || joins > 100_000 || rate <= 0 || rosterVersion < 1 || rosterVersion > 2) {
            throw new IllegalArgumentException("--joins 1..100000, --rate > 0, --roster-version 1 or 2");
        }
        Path outDir = Path.of(o.getOrDefault("out", "loadtest-reports/join-storm-" + System.currentTimeMillis()));
        Files.createDirectories(outDir);
        Path jar = Path.of(o.getOrDefault("porta-jar", System.getenv().getOrDefault("PORTA_JAR", "porta-server/target/porta.jar")));
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        // every guest comes from 127.0.0.1: the per-address bound on sockets not yet joined (50) would refuse most
        Map<String, String> env = new java.util.HashMap<>(Map.of("PORTA_CALLING_MAX_UNJOINED_PER_ADDRESS", "100000"));
        for (String kv : o.getOrDefault("node-config", "").split(",")) {
            if (kv.contains("=")) { // porta.conf keys for the node, as its environment (calling.compression=false)
                String key = kv.substring(0, kv.indexOf('=')).trim();
                env.put("PORTA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        try (PortaTarget porta = PortaTarget.start(jar, outDir, env)) {
            porta.prepareOneMeeting(joins);
            NodeProbe node = new NodeProbe(porta.nodePid());
            String link = porta.meetingLink(0);
            CountDownLatch answered = new CountDownLatch(joins);
            List<Guest> guests = new ArrayList<>(joins);
            List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
            // one JDK client's selector thread cannot do 100 TLS handshakes a second on a busy machine: spread them
            List<java.net.http.HttpClient> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(porta.newHttpClient());
            }
            long cpu0 = node.cpuNanos();
            long rss0 = node.rssBytes();
            long heap0 = porta.heapUsedBytes();
            long t0 = System.nanoTime();
            long peakRss = rss0;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < joins; i++) {
                    long due = t0 + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    Guest g = new Guest(answered);
                    guests.add(g);
                    String join = "{\"v\":1,\"type\":\"join\",\"token\":\"" + porta.guestToken(0, i) + "\",\"displayName\":\"Guest "
                            + i + "\",\"locator\":{\"meetingLink\":\"" + link + "\"}"
                            + (rosterVersion == 2 ? ",\"rosterVersion\":2" : "") + "}";
                    java.net.http.HttpClient client = clients.get(i % CLIENTS);
                    pool.submit(() -> {
                        try {
                            WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                                    .buildAsync(porta.callingUrl(), g).join();
                            sockets.add(ws);
                            g.sentAt = System.nanoTime();
                            ws.sendText(join, true).join();
                        } catch (RuntimeException e) {
                            g.failure = "not opened: " + e;
                            answered.countDown();
                        }
                    });
                    if (i % 100 == 0) {
                        peakRss = Math.max(peakRss, node.rssBytes());
                    }
                }
            }
            boolean all = answered.await(120, TimeUnit.SECONDS);
            long joinedAt = System.nanoTime();
            TimeUnit.SECONDS.sleep(2); // the last roster batches go out
            long cpu1 = node.cpuNanos();
            peakRss = Math.max(peakRss, node.rssBytes());
            long heap1 = porta.heapUsedBytes();
            String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

            RunResult.Quantiles joinMs = RunResult.Quantiles.of(guests.stream().filter(g -> g.connectedAt > 0)
                    .map(g -> (g.connectedAt - g.sentAt) / 1e6).toList());
            long[] bytes = guests.stream().mapToLong(g -> g.bytes.get()).sorted().toArray();
            long totalBytes = Arrays.stream(bytes).sum();
            long totalFrames = guests.stream().mapToLong(g -> g.frames.get()).sum();
            long refused = guests.stream().filter(g -> g.refused).count();
            Map<String, Long> failures = new java.util.TreeMap<>(guests.stream().filter(g -> g.failure != null)
                    .collect(java.util.stream.Collectors.groupingBy(g -> g.failure.length() > 160 ? g.failure.substring(0, 160) : g.failure,
                            java.util.stream.Collectors.counting())));

            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode r = json.createObjectNode();
            r.put("generatedAt", Instant.now().toString());
            r.put("command", command);
            r.put("commit", commitOf(jar));
            r.put("machine", Report.machine() + ", " + cpuModel());
            r.put("loadAverageBefore", loadBefore);
            r.put("loadAverageAfter", loadAfter);
            r.put("joins", joins);
            r.put("joinsPerSecond", rate);
            r.put("rosterVersion", rosterVersion);
            r.put("allAnswered", all);
            r.put("connected", joinMs.count());
            r.put("refused", refused);
            r.set("failures", json.valueToTree(failures));
            r.put("wallSecondsUntilLastAnswer", (joinedAt - t0) / 1e9);
            r.put("joinMsP50", orMinusOne(joinMs.p50()));
            r.put("joinMsP95", orMinusOne(joinMs.p95()));
            r.put("joinMsMax", orMinusOne(joinMs.max()));
            r.put("bytesReceivedTotal", totalBytes);
            r.put("bytesPerClientMean", totalBytes / (double) joins);
            r.put("bytesPerClientP50", bytes[bytes.length / 2]);
            r.put("bytesPerClientMax", bytes[bytes.length - 1]);
            r.put("framesReceivedTotal", totalFrames);
            r.put("framesPerClientMean", totalFrames / (double) joins);
            r.put("serverCpuSeconds", (cpu1 - cpu0) / 1e9);
            r.put("serverRssBytesBefore", rss0);
            r.put("serverRssBytesPeak", peakRss);
            r.put("serverHeapUsedBytesBefore", heap0);
            r.put("serverHeapUsedBytesAfter", heap1);
            r.put("note", "signalling only (no media packets); the generator's 1,000 TLS WebSockets run on the same "
                    + "machine; bytes are the UTF-8 JSON each client received (the JDK client offers no permessage-deflate)");
            Files.writeString(outDir.resolve("report.json"), json.writeValueAsString(r));
            String md = String.format(Locale.ROOT, """
                    # Join storm: %d guests at %.0f/s, roster version %d (commit %s)

                    | measure | value |
                    | --- | --- |
                    | connected / refused / failed | %d / %d / %d |
                    | join time p50 / p95 / max | %.0f / %.0f / %.0f ms |
                    | bytes received per client: mean / p50 / max | %.0f / %d / %d |
                    | frames received per client (mean) | %.1f |
                    | server CPU over the storm | %.1f s |
                    | server RSS before / peak | %d / %d MiB |
                    | server heap used before / after | %d / %d MiB |
                    | load average before / after | %s / %s |

                    `%s`
                    """, joins, rate, rosterVersion, r.get("commit").asText(), joinMs.count(), refused,
                    failures.values().stream().mapToLong(Long::longValue).sum() - refused,
                    orMinusOne(joinMs.p50()), orMinusOne(joinMs.p95()), orMinusOne(joinMs.max()),
                    totalBytes / (double) joins, bytes[bytes.length / 2], bytes[bytes.length - 1], totalFrames / (double) joins,
                    (cpu1 - cpu0) / 1e9, rss0 >> 20, peakRss >> 20, heap0 >> 20, heap1 >> 20, loadBefore, loadAfter, command);
            Files.writeString(outDir.resolve("report.md"), md);
            out.print(md);
            for (WebSocket ws : sockets) {
                ws.abort();
            }
            return all ? 0 : 1;
        }
    }

    /** -1 for a quantile of nobody (NaN is no JSON number). */
    private static double orMinusOne(double quantile) {
        return Double.isNaN(quantile) ? -1 : quantile;
    }

    /** The commit of the checkout the jar was built in ({@code <checkout>/porta-server/target/porta.jar}). */
    private static String commitOf(Path jar) {
        try {
            Path checkout = jar.toAbsolutePath().getParent().getParent().getParent();
            Process p = new ProcessBuilder("git", "-C", checkout.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
            String c = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && c.matches("[0-9a-f]{40}") ? c : "unknown";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("cpu unknown");
        } catch (java.io.IOException e) {
            return "cpu unknown";
        }
    }
}
