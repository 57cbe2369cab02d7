#!/usr/bin/env bash
# Issue 3 benchmark: Morgana's TCP/IP stack over a TAP device against the Linux kernel over a
# veth pair, measured in the same run.
#
#   ping round-trip time  kernel -> Morgana (TAP)      vs  kernel -> kernel (veth)
#                         and kernel -> tap_floor (TAP): the C responder in tap_floor.c, one
#                         thread in poll(2)+read+write, the floor of any user-space TAP responder
#   UDP echo datagrams/s  UdpEchoLoad -> Morgana echo  vs  UdpEchoLoad -> KernelUdpEcho (a Java
#                         echo on a kernel socket, one thread, the same JVM as Morgana's)
#
# Prints a markdown table with medians and ratios. Needs root (network namespaces), iproute2 and
# iputils-ping, gcc, and the built jars:
#
#   . scripts/jdk25.sh && mvn -B -o -q -pl examples/echo,benchmarks package -DskipTests
#   sudo benchmarks/net/run.sh
#
# Knobs (environment): PING_ROUNDS (5, interleaved) of PING_COUNT (200) pings each, PING_INTERVAL
# (0.002 s), PING_WARMUP (12000 flooded pings), UDP_SECONDS (5), UDP_SIZE (64), UDP_WINDOW (16),
# PIN_CPU (unset; a CPU number runs every responder and ping on that one CPU, which takes the
# cross-CPU wake-up out of the TAP round trip), ECHO_JAR (examples/echo/target/echo-tap.jar),
# JAVA_OPTS (for both JVMs). Everything happens in namespaces this script creates (addresses from
# 192.0.2.0/24) and deletes on exit, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

ECHO_JAR="${ECHO_JAR:-$ROOT/examples/echo/target/echo-tap.jar}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
PING_COUNT="${PING_COUNT:-200}"
PING_INTERVAL="${PING_INTERVAL:-0.002}"
UDP_SECONDS="${UDP_SECONDS:-5}"
UDP_SIZE="${UDP_SIZE:-64}"
UDP_WINDOW="${UDP_WINDOW:-16}"
PING_WARMUP="${PING_WARMUP:-12000}"
PING_ROUNDS="${PING_ROUNDS:-5}"
PIN_CPU="${PIN_CPU:-}"   # e.g. 0: responders and pings all on that CPU (no cross-CPU wake-up)
PIN=()
if [ -n "$PIN_CPU" ]; then
  PIN=(taskset -c "$PIN_CPU")
fi
JAVA_OPTS="${JAVA_OPTS:-}"

for jar in "$ECHO_JAR" "$BENCH_JAR"; do
  if [ ! -f "$jar" ]; then
    echo "missing $jar; build it first: mvn -B -o -q -pl examples/echo,benchmarks package -DskipTests" >&2
    exit 1
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmark creates network namespaces" >&2
  exit 1
fi
for tool in ip ping awk sort gcc ${PIN_CPU:+taskset}; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install iproute2 iputils-ping gcc)" >&2; exit 1; }
done

TAG="mgn$$"
NS_TAP="$TAG-tap"   # the kernel side of Morgana's TAP
NS_A="$TAG-a"       # Linux client
NS_B="$TAG-b"       # Linux server
NS_C="$TAG-c"       # the kernel side of tap_floor's TAP
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for ns in "$NS_TAP" "$NS_A" "$NS_B" "$NS_C"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# --- Morgana: a TAP in its own namespace, host side 192.0.2.1, Morgana 192.0.2.2 ---------------
new_ns "$NS_TAP"
ip -n "$NS_TAP" tuntap add dev mtap0 mode tap
ip -n "$NS_TAP" addr add 192.0.2.1/24 dev mtap0
ip -n "$NS_TAP" link set mtap0 up
# shellcheck disable=SC2086
ip netns exec "$NS_TAP" "${PIN[@]}" java $JAVA_OPTS -jar "$ECHO_JAR" --net=tap:mtap0 --ipv4=192.0.2.2/24 \
  >"$WORK/morgana.log" 2>&1 &
PIDS+=($!)

# --- Linux: two namespaces joined by a veth pair, 192.0.2.1 -> 192.0.2.2 -------------------------
new_ns "$NS_A"
new_ns "$NS_B"
ip link add "$TAG-va" type veth peer name "$TAG-vb"
ip link set "$TAG-va" netns "$NS_A"
ip link set "$TAG-vb" netns "$NS_B"
ip -n "$NS_A" link set "$TAG-va" name veth0
ip -n "$NS_B" link set "$TAG-vb" name veth0
ip -n "$NS_A" addr add 192.0.2.1/24 dev veth0
ip -n "$NS_B" addr add 192.0.2.2/24 dev veth0
ip -n "$NS_A" link set veth0 up
ip -n "$NS_B" link set veth0 up
# shellcheck disable=SC2086
ip netns exec "$NS_B" "${PIN[@]}" java $JAVA_OPTS -cp "$BENCH_JAR" io.morgana.benchmarks.net.KernelUdpEcho 7 \
  >"$WORK/kernel-echo.log" 2>&1 &
PIDS+=($!)

# --- The floor: tap_floor (C, poll+read+write) behind a TAP, host side 192.0.2.1 ---------------
gcc -O2 -Wall -Werror -o "$WORK/tap_floor" "$ROOT/benchmarks/net/tap_floor.c"
new_ns "$NS_C"
ip -n "$NS_C" tuntap add dev mtap1 mode tap
ip -n "$NS_C" addr add 192.0.2.1/24 dev mtap1
ip -n "$NS_C" link set mtap1 up
ip netns exec "$NS_C" "${PIN[@]}" "$WORK/tap_floor" mtap1 192.0.2.2 >"$WORK/tap-floor.log" 2>&1 &
PIDS+=($!)

wait_for_ping() { # NS
  for _ in $(seq 1 60); do
    if ip netns exec "$1" ping -c 1 -W 1 -q 192.0.2.2 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "no answer to ping from 192.0.2.2 in $1; Morgana's log:" >&2
  cat "$WORK/morgana.log" >&2
  return 1
}
wait_for_ping "$NS_TAP"
wait_for_ping "$NS_A"
wait_for_ping "$NS_C"
for _ in $(seq 1 60); do
  grep -q listening "$WORK/kernel-echo.log" && break
  sleep 0.5
done

# Warm-up (JIT on both JVMs): flooded pings (PING_WARMUP; 500 paced pings left the ICMP path at
# C1, and on a loaded machine some methods still reach C2 only during the measured pings) and a
# short UDP load, not reported.
ip netns exec "$NS_C" ping -c 500 -i 0.002 -q 192.0.2.2 >/dev/null
for ns in "$NS_TAP" "$NS_A"; do
  ip netns exec "$ns" ping -c "$PING_WARMUP" -f -q 192.0.2.2 >/dev/null
  # shellcheck disable=SC2086
  ip netns exec "$ns" java $JAVA_OPTS -cp "$BENCH_JAR" io.morgana.benchmarks.net.UdpEchoLoad \
    --target=192.0.2.2 --seconds=2 --warmup=0 --size="$UDP_SIZE" --window="$UDP_WINDOW" >/dev/null
done

# ping RTTs in microseconds, one per line, appended to FILE
ping_raw() { # NS FILE
  ip netns exec "$1" "${PIN[@]}" ping -c "$PING_COUNT" -i "$PING_INTERVAL" 192.0.2.2 \
    | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' \
    | awk '{ print $1 * 1000 }' >>"$2"
}
# "median avg count" of the RTTs in FILE
ping_stats() { # FILE
  sort -g "$1" \
    | awk '{ v[NR] = $1; s += $1 }
           END { if (NR == 0) { print "NaN NaN 0"; exit }
                 m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                 printf "%.1f %.1f %d\n", m, s / NR, NR }'
}
udp_rate() { # NS -> "rate lost"
  # shellcheck disable=SC2086
  ip netns exec "$1" java $JAVA_OPTS -cp "$BENCH_JAR" io.morgana.benchmarks.net.UdpEchoLoad \
    --target=192.0.2.2 --seconds="$UDP_SECONDS" --warmup=1 --size="$UDP_SIZE" --window="$UDP_WINDOW" \
    | sed -n 's/.*rate=\([0-9]*\) lost=\([0-9]*\).*/\1 \2/p'
}

# PING_ROUNDS rounds of PING_COUNT pings to each target in turn, so that a burst of load from
# elsewhere on the machine hits all three alike; medians over every reply.
for _ in $(seq 1 "$PING_ROUNDS"); do
  ping_raw "$NS_TAP" "$WORK/rtt-morgana"
  ping_raw "$NS_C" "$WORK/rtt-floor"
  ping_raw "$NS_A" "$WORK/rtt-veth"
done
read -r M_MED M_AVG M_N <<<"$(ping_stats "$WORK/rtt-morgana")"
read -r C_MED C_AVG C_N <<<"$(ping_stats "$WORK/rtt-floor")"
read -r L_MED L_AVG L_N <<<"$(ping_stats "$WORK/rtt-veth")"
read -r M_RATE M_LOST <<<"$(udp_rate "$NS_TAP")"
read -r L_RATE L_LOST <<<"$(udp_rate "$NS_A")"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "Morgana over TAP vs a C poll loop over TAP vs Linux over veth, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg):"
echo
echo "| measure | Morgana (TAP) | C poll loop over TAP | Linux (veth) | Morgana / Linux | C floor / Linux | Morgana / C floor |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| ping RTT median, µs ($M_N / $C_N / $L_N replies of $PING_ROUNDS × $PING_COUNT, -i $PING_INTERVAL) | $M_MED | $C_MED | $L_MED | $(ratio "$M_MED" "$L_MED") | $(ratio "$C_MED" "$L_MED") | $(ratio "$M_MED" "$C_MED") |"
echo "| ping RTT mean, µs | $M_AVG | $C_AVG | $L_AVG | $(ratio "$M_AVG" "$L_AVG") | $(ratio "$C_AVG" "$L_AVG") | $(ratio "$M_AVG" "$C_AVG") |"
echo "| UDP echo, datagrams/s ($UDP_SIZE B, window $UDP_WINDOW, ${UDP_SECONDS} s; lost $M_LOST / $L_LOST) | $M_RATE | — | $L_RATE | $(ratio "$M_RATE" "$L_RATE") | — | — |"
echo
echo "Command: \`benchmarks/net/run.sh\` (PIN_CPU=${PIN_CPU:-none} PING_ROUNDS=$PING_ROUNDS PING_COUNT=$PING_COUNT PING_INTERVAL=$PING_INTERVAL PING_WARMUP=$PING_WARMUP UDP_SECONDS=$UDP_SECONDS). RTT: lower is better; datagrams/s: higher is better."
