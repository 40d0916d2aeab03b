// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.List;

/**
 * What one scenario run against one server measured. Loss, jitter and delay cover the whole run;
 * CPU, memory and rates are averages over the steady window (after everyone joined and a short settle).
 *
 * @param joinToFirstMediaMs join request sent (or, if later, another participant of the meeting started
 *                           publishing) → first media packet from another participant received
 * @param joinToConnectedMs  join request sent → the server admitted the participant (signaling only)
 * @param lossPercent        packets missing by sequence number at the subscribers, before any repair
 * @param delayP50Ms         one-way delay publisher → server → subscriber from the send-time tag
 * @param cpuMicrosPerForwardedPacket node CPU time per packet the subscribers received, in the steady window
 * @param wholeRunCpuMicrosPerForwardedPacket the same over the whole run, joins and warm-up included
 * @param wholeRunSeconds    the run's length, from the first join to the last participant's stop
 * @param nodeReportedPacketsOut packets the node says it sent during the run (Porta's metrics; -1 for Janus)
 * @param transport          udp, tcp or relay: how the participants' media reached the server
 * @param relayCpuPercent    the TURN server's CPU (% of a core) in the steady window; NaN when not relayed
 *                           or its process is unknown
 * @param relayCpuMicrosPerForwardedPacket the TURN server's CPU time per packet the subscribers received
 *                           (it carries both legs: publisher → SFU and SFU → subscriber)
 * @param relayedPacketsReceived packets the participants received through the TURN server (ChannelData)
 */
public record RunResult(String target, String scenario, int meetings, int participantsPerMeeting, int videoPublishers,
                        int audioPublishers, boolean nodeInGeneratorProcess, int participants, int joined,
                        int failed, List<String> failures, Quantiles joinToFirstMediaMs, Quantiles joinToConnectedMs,
                        double lossPercent, double audioJitterMs, double videoJitterMs, double delayP50Ms,
                        double delayP95Ms, double delayP99Ms, double nodeCpuPercent, double nodeRssMb,
                        double generatorCpuPercent, double forwardedPacketsPerSecond, double forwardedMbitPerSecond,
                        double cpuMicrosPerForwardedPacket, double wholeRunCpuMicrosPerForwardedPacket,
                        double wholeRunSeconds, double nodeCpuPercentPerParticipant, long packetsSent,
                        long packetsReceived, long retransmissionsReceived, long nacksSent, long nodeReportedPacketsOut,
                        long generatorLagEvents,
                        double steadySeconds, List<Sample> timeline, String transport, double relayCpuPercent,
                        double relayCpuMicrosPerForwardedPacket, long relayedPacketsReceived) {

    /** One second of the run. */
    public record Sample(double t, int participants, double nodeCpuPercent, double nodeRssMb, double generatorCpuPercent,
                         double packetsPerSecond, double mbitPerSecond, double lossPercent) { }

    /** Summary of a set of durations; NaN when the set is empty. */
    public record Quantiles(int count, double p50, double p95, double max) {
        static Quantiles of(List<Double> values) {
            if (values.isEmpty()) {
                return new Quantiles(0, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Quantiles(v.length, v[(int) Math.ceil(0.5 * v.length) - 1], v[(int) Math.ceil(0.95 * v.length) - 1],
                    v[v.length - 1]);
        }
    }
}
