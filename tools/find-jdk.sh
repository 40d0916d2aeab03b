# Sourced by ./porta, ./run-tests and .ci/run: exports JAVA_HOME pointing at the newest JDK 21+ found
# (JAVA_HOME first, then java on the PATH, then the usual install folders). Fails with a clear message.
porta_java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

porta_find_jdk() {
  local candidates=() best="" best_v=0 v c d
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for d in /usr/lib/jvm/*/ /opt/java/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/; do
    [ -x "${d}bin/java" ] && [ -x "${d}bin/javac" ] && candidates+=("${d}bin/java")
  done
  for c in "${candidates[@]}"; do
    v="$(porta_java_major "$c" 2>/dev/null || echo 0)"
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "porta: needs a JDK 21 or newer (none found in JAVA_HOME, PATH or /usr/lib/jvm); set JAVA_HOME to one" >&2
    return 1
  fi
  JAVA_HOME="$(cd "$(dirname "$best")/.." && pwd)"
  export JAVA_HOME
}
