#!/usr/bin/env bash
# Join storm, before (5f01e6d, roster v1) and after (this commit, roster v2), three rounds, servers alternated.
# Usage: run.sh BEFORE_PORTA_JAR AFTER_PORTA_JAR OUT_DIR   (from the repository root, after packaging porta-loadtest)
set -euo pipefail
before="$1"; after="$2"; out="$3"
mkdir -p "$out"
for round in 1 2 3; do
  for side in before after; do
    if [ "$side" = before ]; then jar="$before"; v=1; else jar="$after"; v=2; fi
    java -jar porta-loadtest/target/porta-loadtest.jar join-storm --joins 1000 --rate 100 --roster-version "$v" \
      --porta-jar "$jar" --out "$out/$round-$side" > "$out/$round-$side.log" 2>&1 || echo "$round-$side failed: $?"
  done
done
