#!/usr/bin/env bash
# Media after a node's death, in Chromium (issue 13): NodeDeathBrowserTest, ROUNDS times (default 3), each in
# its own loopback-only network namespace. Each round's raw test output goes to <n>/output.txt beside this script,
# with a run.txt naming the date, commit, command, machine and the load average before and after (the machine
# is shared: other builds and tests run beside it). The figures are the lines starting "node death, media".
# Usage (from the repository root, as root for unshare):
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 docs/benchmarks/2026-12-02/node-death-media/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${ROUNDS:-3}"
cmd="unshare -n sh -c 'ip link set lo up && exec ./mvnw -B -ntp -o -pl porta-it -am -Pbrowser -Dtest=NodeDeathBrowserTest -Dsurefire.failIfNoSpecifiedTests=false verify'"
for n in $(seq 1 "$rounds"); do
  out="$here/$n"
  mkdir -p "$out"
  {
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- 'porta-*/src' || echo ' (with uncommitted changes)')"
    echo "command: JAVA_HOME=$JAVA_HOME $cmd"
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(/usr/lib/chromium/chromium --version 2>/dev/null | head -1)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$out/run.txt"
  sh -c "$cmd" > "$out/maven.log" 2>&1 || echo "round $n failed" >> "$out/run.txt"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/run.txt"
  # the test's own output (what it printed, what the pages logged) and its result; the build log is left out
  sed -n '/Running dev.porta.it.NodeDeathBrowserTest/,/Tests run:.*NodeDeathBrowserTest/p' "$out/maven.log" > "$out/output.txt"
  grep '^node death, media' "$out/output.txt" >> "$out/run.txt" || true
  rm "$out/maven.log"
done
