#!/usr/bin/env bash
# The transport comparison of 2026-12-02: scenario `meetings` (4 x 5, all on camera and microphone) with a
# 60 s hold, over udp, tcp and relay, three rounds interleaved (udp, tcp, relay, udp, ...) because the
# machine was shared. Each run's report.{json,md,png} and a run.txt (commit, command, machine, load
# average before and after) go to <n>-<transport>/ beside this script.
# Usage (from the repository root, after building the two jars):
#   docs/benchmarks/2026-12-02/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
java="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
export PORTA_JAR="${PORTA_JAR:-porta-server/target/porta.jar}"
n=0
for round in 1 2 3; do
  for transport in udp tcp relay; do
    n=$((n + 1))
    out="$here/$n-$transport"
    work="$(mktemp -d)"
    mkdir -p "$out"
    cmd=("$java" -jar porta-loadtest/target/porta-loadtest.jar --scenario meetings --hold 60s --transport "$transport"
         --out "$work" --note "shared machine (other builds and tests running), round $round")
    {
      echo "date: $(date -u +%FT%TZ)"
      echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- porta-*/src || echo ' (with uncommitted changes)')"
      echo "command: PORTA_JAR=$PORTA_JAR ${cmd[*]}"
      echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), $("$java" -version 2>&1 | head -1)"
      echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    } > "$out/run.txt"
    "${cmd[@]}" > "$out/progress.log" 2>&1 || echo "run $n ($transport) failed" >> "$out/run.txt"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/run.txt"
    cp "$work"/report.json "$work"/report.md "$work"/report.png "$out"/ 2>/dev/null || true
    rm -rf "$work"
  done
done
