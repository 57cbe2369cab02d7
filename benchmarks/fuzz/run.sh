#!/usr/bin/env bash
# Issue 8 benchmark: a long fuzz run of Morgana's TCP/IP stack, in-process (no devices, no root).
# Real traffic between two stacks is recorded (ARP, pings of 56 to 65,000 bytes, UDP echoes up
# to 65,507 bytes, ICMP errors both ways, broadcasts), then FRAMES mutants of it (bit flips,
# truncation, field-aware IPv4/UDP/ICMP/ARP mutations, IP options, fragment games, own-address
# spoofs) go into a stack with an echo service; prints a markdown report of its health and memory
# before and after. See io.morgana.benchmarks.fuzz.StackFuzz.
#
#   . scripts/jdk25.sh && mvn -B -o -q -pl benchmarks -am package -DskipTests
#   benchmarks/fuzz/run.sh
#
# Knobs (environment): FRAMES (1000000), SEED (0x5eedf022, or "random"; the seed is printed),
# JAVA_OPTS (-Xmx64m, the heap echo-tap.jar was attacked with).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
FRAMES="${FRAMES:-1000000}"
SEED="${SEED:-0x5eedf022}"
JAVA_OPTS="${JAVA_OPTS:--Xmx64m}"

if [ ! -f "$BENCH_JAR" ]; then
  echo "missing $BENCH_JAR; build it first: mvn -B -o -q -pl benchmarks -am package -DskipTests" >&2
  exit 1
fi

status=0
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$BENCH_JAR" io.morgana.benchmarks.fuzz.StackFuzz --frames="$FRAMES" --seed="$SEED" \
  2>"${TMPDIR:-/tmp}/morgana-fuzz.$$.err" || status=$?
leaks=$(grep -c "LEAK:" "${TMPDIR:-/tmp}/morgana-fuzz.$$.err" || true)
lines=$(wc -l <"${TMPDIR:-/tmp}/morgana-fuzz.$$.err")
rm -f "${TMPDIR:-/tmp}/morgana-fuzz.$$.err"
echo
echo "Standard error: $lines lines (no per-packet logging expected), Netty leak reports: $leaks."
echo
echo "Command: \`FRAMES=$FRAMES SEED=$SEED JAVA_OPTS='$JAVA_OPTS' benchmarks/fuzz/run.sh\` (exit status $status: 0 when nothing escaped the stack and the health checks passed, at the latest after 61 s of virtual time)."
exit "$status"
