#!/usr/bin/env bash
# Timer lateness of the kernel loop: N timers (default 5000, after 2000 warm-up ones), each at a
# random offset of 20 µs to 1 ms, on an otherwise idle KernelLoop; lateness = when the timer ran
# minus its deadline. Peer in the same run: a platform thread in LockSupport.parkNanos.
#
#   benchmarks/run timers           (or benchmarks/timers/run.sh; TIMERS=20000 for more)
#
# Needs benchmarks/target/benchmarks.jar; builds it when missing. Rebuild it after changing the
# runtime:  . scripts/jdk25.sh && mvn -B -q -DskipTests package -pl benchmarks -am
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
if [ ! -f "$BENCH_JAR" ]; then
  mvn -B -q -ntp -DskipTests package -pl benchmarks -am >&2
fi
exec java --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$BENCH_JAR" io.morgana.benchmarks.timers.TimerLateness "${TIMERS:-5000}" "${TIMERS_WARMUP:-2000}"
