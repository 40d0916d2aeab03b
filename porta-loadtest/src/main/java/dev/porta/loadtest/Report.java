// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes a run's results: {@code report.json} (everything, including the per-second timeline),
 * {@code report.md} (one row per server, and Porta-to-reference ratios when both ran) and
 * {@code report.png} (node CPU and loss against connected participants).
 */
final class Report {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private Report() { }

    /** @param command the load tester's arguments, so that a figure can be reproduced from its report */
    static void write(Path dir, List<RunResult> results, String note, String command) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("generatedAt", Instant.now().toString());
        root.put("command", command);
        root.put("commit", commit());
        root.put("machine", machine());
        root.put("note", note);
        root.set("runs", json.valueToTree(results));
        Files.writeString(dir.resolve("report.json"), json.writeValueAsString(root));
        Files.writeString(dir.resolve("report.md"), markdown(results, note));
        ImageIO.write(chart(results), "png", dir.resolve("report.png").toFile());
    }

    /** The checkout's commit ({@code git rev-parse HEAD} in the working directory), or "unknown" outside one. */
    static String commit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version();
    }

    static String markdown(List<RunResult> results, String note) {
        StringBuilder md = new StringBuilder("# Load test report\n\n");
        if (!results.isEmpty()) {
            RunResult r = results.get(0);
            md.append(String.format(Locale.ROOT, "Scenario `%s`: %d meeting(s) × %d participants, %d on camera and %d on "
                            + "microphone per meeting; %s. %s.%n%n", r.scenario(), r.meetings(), r.participantsPerMeeting(),
                    r.videoPublishers(), r.audioPublishers(), machine(), note));
        }
        md.append("| server | joined | join → first media p50 / p95 (ms) | loss | jitter audio / video (ms) "
                + "| delay p50 / p95 / p99 (ms) | node CPU (% of a core) | node RSS (MB) | received pkt/s | Mbit/s "
                + "| CPU µs per forwarded packet (steady / whole run) | CPU % per participant | generator CPU % |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d/%d | %s / %s | %.3f %% | %s / %s | %s / %s / %s | %s%s | %s | %s | %s | %s / %s | %s | %s |%n",
                    label(r), r.joined(), r.participants(), f(r.joinToFirstMediaMs().p50()), f(r.joinToFirstMediaMs().p95()),
                    r.lossPercent(), f(r.audioJitterMs()), f(r.videoJitterMs()), f(r.delayP50Ms()), f(r.delayP95Ms()),
                    f(r.delayP99Ms()), f(r.nodeCpuPercent()), r.nodeInGeneratorProcess() ? " (incl. generator)" : "",
                    f(r.nodeRssMb()), f(r.forwardedPacketsPerSecond()), f(r.forwardedMbitPerSecond()),
                    f(r.cpuMicrosPerForwardedPacket()), f(r.wholeRunCpuMicrosPerForwardedPacket()),
                    f(r.nodeCpuPercentPerParticipant()), f(r.generatorCpuPercent())));
        }
        RunResult porta = results.stream().filter(r -> r.target().equals("porta")).findFirst().orElse(null);
        RunResult janus = results.stream().filter(r -> r.target().equals("janus")).findFirst().orElse(null);
        if (porta != null && janus != null) {
            md.append("\nPorta ÷ Janus (below 1 means Porta is cheaper or better): CPU per forwarded packet ")
                    .append(f(ratio(porta.cpuMicrosPerForwardedPacket(), janus.cpuMicrosPerForwardedPacket())))
                    .append(", loss ").append(f(ratio(porta.lossPercent(), janus.lossPercent())))
                    .append(", delay p50 ").append(f(ratio(porta.delayP50Ms(), janus.delayP50Ms())))
                    .append(", delay p99 ").append(f(ratio(porta.delayP99Ms(), janus.delayP99Ms())))
                    .append(", join time p50 ").append(f(ratio(porta.joinToFirstMediaMs().p50(), janus.joinToFirstMediaMs().p50())))
                    .append(".\n");
        }
        md.append('\n');
        for (RunResult r : results) {
            md.append(String.format(Locale.ROOT, "%s: %,d packets sent by publishers, %,d received%s; %,d NACKs sent, "
                            + "%,d retransmissions received; generator lag events %d; steady window %.0f s.%n%n",
                    r.target(), r.packetsSent(), r.packetsReceived(),
                    r.nodeReportedPacketsOut() < 0 ? "" : String.format(Locale.ROOT, " (the node counts %,d sent)",
                            r.nodeReportedPacketsOut()),
                    r.nacksSent(), r.retransmissionsReceived(), r.generatorLagEvents(), r.steadySeconds()));
            if ("relay".equals(r.transport())) {
                md.append(String.format(Locale.ROOT, "%s: %,d packets reached participants through the TURN server; the TURN "
                                + "server (coturn, a process of its own) used %s %% of a core, %s µs per forwarded packet "
                                + "(both legs: publisher → SFU and SFU → subscriber), not included in the node's CPU above.%n%n",
                        label(r), r.relayedPacketsReceived(), f(r.relayCpuPercent()), f(r.relayCpuMicrosPerForwardedPacket())));
            }
        }
        for (RunResult r : results) {
            if (!r.failures().isEmpty()) {
                md.append("\n").append(r.target()).append(" failures (first ").append(r.failures().size()).append("):\n");
                r.failures().forEach(f -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
            }
        }
        md.append("\nLoss, jitter and delay cover the whole run; CPU, memory and rates average the steady window "
                + "(after the last join and a short settle), CPU per packet is given for the whole run too; – is unknown "
                + "(e.g. a running server attached without --pid). Delay is one-way, publisher → server → subscriber, from a "
                + "send-time tag at the end of each payload (publisher and subscribers share one clock). "
                + "![CPU and loss against participants](report.png)\n");
        return md.toString();
    }

    /** The server, and the transport when it is not plain UDP: "porta", "porta (tcp)", "porta (relay)". */
    static String label(RunResult r) {
        return r.transport() == null || r.transport().equals("udp") ? r.target() : r.target() + " (" + r.transport() + ")";
    }

    static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Two panels sharing the x axis (participants connected): node CPU % on top, loss % below. */
    static BufferedImage chart(List<RunResult> results) {
        int w = 900;
        int h = 600;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double maxX = 1;
        double maxCpu = 10;
        double maxLoss = 1;
        for (RunResult r : results) {
            for (RunResult.Sample s : r.timeline()) {
                maxX = Math.max(maxX, s.participants());
                if (!Double.isNaN(s.nodeCpuPercent())) {
                    maxCpu = Math.max(maxCpu, s.nodeCpuPercent());
                }
                maxLoss = Math.max(maxLoss, s.lossPercent());
            }
        }
        panel(g, results, 70, 40, w - 110, 220, maxX, niceCeil(maxCpu), "node CPU (% of one core)", true);
        panel(g, results, 70, 330, w - 110, 200, maxX, niceCeil(maxLoss), "loss (%)", false);
        g.setColor(Color.BLACK);
        g.drawString("participants connected", w / 2 - 60, h - 25);
        for (int i = 0; i < results.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(80 + i * 120, 12, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(results.get(i).target(), 100 + i * 120, 22);
        }
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, List<RunResult> results, int x0, int y0, int pw, int ph, double maxX,
                              double maxY, String label, boolean cpu) {
        g.setColor(new Color(0xeeeeee));
        for (int i = 0; i <= 4; i++) {
            int y = y0 + ph - i * ph / 4;
            g.drawLine(x0, y, x0 + pw, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y0, pw, ph);
        g.drawString(label, x0, y0 - 6);
        for (int i = 0; i <= 4; i++) {
            g.drawString(String.format(Locale.ROOT, "%.1f", maxY * i / 4), x0 - 45, y0 + ph - i * ph / 4 + 4);
        }
        int step = (int) Math.max(1, Math.ceil(maxX / 10));
        for (int x = 0; x <= maxX; x += step) {
            g.drawString(Integer.toString(x), x0 + (int) (pw * x / maxX) - 4, y0 + ph + 15);
        }
        g.setStroke(new BasicStroke(1.5f));
        for (int k = 0; k < results.size(); k++) {
            g.setColor(COLORS[k % COLORS.length]);
            // one point per participant count: the mean of the seconds spent at that count
            java.util.TreeMap<Integer, double[]> byCount = new java.util.TreeMap<>();
            for (RunResult.Sample s : results.get(k).timeline()) {
                double v = cpu ? s.nodeCpuPercent() : s.lossPercent();
                if (!Double.isNaN(v)) {
                    double[] acc = byCount.computeIfAbsent(s.participants(), c -> new double[2]);
                    acc[0] += v;
                    acc[1]++;
                }
            }
            int px = -1;
            int py = -1;
            for (var e : byCount.entrySet()) {
                double v = e.getValue()[0] / e.getValue()[1];
                int x = x0 + (int) (pw * e.getKey() / maxX);
                int y = y0 + ph - (int) (ph * Math.min(v, maxY) / maxY);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }

    private static double niceCeil(double v) {
        double step = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * step >= v) {
                return m * step;
            }
        }
        return 10 * step;
    }
}
