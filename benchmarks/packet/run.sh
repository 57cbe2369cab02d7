#!/usr/bin/env bash
# Issue 16 benchmark: Morgana's echo kernel on a veth end owned through an AF_PACKET socket with
# PACKET_MMAP rings (echo-packet.jar, once with TPACKET_V3 rings, once with --packet-ring=v2)
# against the same kernel over a TAP device (echo-tap.jar), measured in the same run, from the
# Linux kernel's stack at 192.0.2.1 in each case:
#
#   ping round-trip time   PING_ROUNDS interleaved rounds of PING_COUNT pings (-i PING_INTERVAL)
#   UDP echo datagrams/s   UdpEchoLoad (benchmarks.jar): UDP_WINDOW datagrams of UDP_SIZE bytes in
#                          flight for UDP_SECONDS
#   TCP echo throughput    TCP_MIB MiB through the TCP echo on port 7 with socat (every byte
#                          crosses the link twice); MiB/s of echoed data, best of TCP_ROUNDS
#
# Prints a markdown table with the ratios packet / TAP. Needs root (network namespaces),
# iproute2, iputils-ping, ethtool, socat, and the built jars:
#
#   . scripts/jdk25.sh && mvn -B -o -q -pl examples/echo,benchmarks -am package -DskipTests
#   benchmarks/packet/run.sh       # or benchmarks/run packet
#
# Knobs (environment): PING_ROUNDS (5), PING_COUNT (200), PING_INTERVAL (0.002), PING_WARMUP
# (5000 flooded pings), UDP_SECONDS (5), UDP_SIZE (64), UDP_WINDOW (16), TCP_MIB (64),
# TCP_ROUNDS (3), JAVA_OPTS. Everything happens in namespaces this script creates (addresses
# from 192.0.2.0/24) and deletes on exit, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

TAP_JAR="$ROOT/examples/echo/target/echo-tap.jar"
PACKET_JAR="$ROOT/examples/echo/target/echo-packet.jar"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
PING_COUNT="${PING_COUNT:-200}"
PING_INTERVAL="${PING_INTERVAL:-0.002}"
PING_ROUNDS="${PING_ROUNDS:-5}"
PING_WARMUP="${PING_WARMUP:-5000}"
UDP_SECONDS="${UDP_SECONDS:-5}"
UDP_SIZE="${UDP_SIZE:-64}"
UDP_WINDOW="${UDP_WINDOW:-16}"
TCP_MIB="${TCP_MIB:-64}"
TCP_ROUNDS="${TCP_ROUNDS:-3}"
JAVA_OPTS="${JAVA_OPTS:-}"

for jar in "$TAP_JAR" "$PACKET_JAR" "$BENCH_JAR"; do
  if [ ! -f "$jar" ]; then
    echo "missing $jar; build it first: mvn -B -o -q -pl examples/echo,benchmarks -am package -DskipTests" >&2
    exit 1
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmark creates network namespaces" >&2
  exit 1
fi
for tool in ip ping ethtool socat awk sort; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install iproute2 iputils-ping ethtool socat)" >&2; exit 1; }
done

TAG="mgp$$"
NS_TAP="$TAG-tap"     # Linux + Morgana over TAP
NS_PK="$TAG-pk"       # Linux + Morgana over AF_PACKET (TPACKET_V3), a veth pair
NS_P2="$TAG-p2"       # Linux + Morgana over AF_PACKET (TPACKET_V2), a veth pair
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for ns in "$NS_TAP" "$NS_PK" "$NS_P2"; do
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

# --- TAP: host side 192.0.2.1, Morgana 192.0.2.2 ------------------------------------------------
new_ns "$NS_TAP"
ip -n "$NS_TAP" tuntap add dev mtap0 mode tap
ip -n "$NS_TAP" addr add 192.0.2.1/24 dev mtap0
ip -n "$NS_TAP" link set mtap0 up
# shellcheck disable=SC2086
ip netns exec "$NS_TAP" java $JAVA_OPTS -jar "$TAP_JAR" --net=tap:mtap0 --ipv4=192.0.2.2/24 \
  >"$WORK/tap.log" 2>&1 &
PIDS+=($!)

# --- AF_PACKET: veth mgk0 (Linux, 192.0.2.1, no segmentation offloads) - mgm0 (Morgana's) ------
packet_ns() { # NS RING LOG
  new_ns "$1"
  ip -n "$1" link add mgk0 type veth peer name mgm0
  ip netns exec "$1" ethtool -K mgk0 tso off gso off >/dev/null
  ip netns exec "$1" ethtool -K mgm0 gro off >/dev/null
  ip -n "$1" addr add 192.0.2.1/24 dev mgk0
  ip -n "$1" link set mgk0 up
  ip -n "$1" link set mgm0 up
  # shellcheck disable=SC2086
  ip netns exec "$1" java $JAVA_OPTS -jar "$PACKET_JAR" --net=packet:mgm0 --ipv4=192.0.2.2/24 \
    --packet-ring="$2" >"$3" 2>&1 &
  PIDS+=($!)
}
packet_ns "$NS_PK" v3 "$WORK/packet.log"
packet_ns "$NS_P2" v2 "$WORK/packet-v2.log"

wait_for_ping() { # NS LOG
  for _ in $(seq 1 120); do
    if ip netns exec "$1" ping -c 1 -W 1 -q 192.0.2.2 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "no answer to ping from 192.0.2.2 in $1; Morgana's log:" >&2
  cat "$2" >&2
  return 1
}
wait_for_ping "$NS_TAP" "$WORK/tap.log"
wait_for_ping "$NS_PK" "$WORK/packet.log"
wait_for_ping "$NS_P2" "$WORK/packet-v2.log"

# Warm-up (JIT): flooded pings, a short UDP load and one TCP transfer, not reported.
for ns in "$NS_TAP" "$NS_PK" "$NS_P2"; do
  ip netns exec "$ns" ping -c "$PING_WARMUP" -f -q 192.0.2.2 >/dev/null
  # shellcheck disable=SC2086
  ip netns exec "$ns" java $JAVA_OPTS -cp "$BENCH_JAR" io.morgana.benchmarks.net.UdpEchoLoad \
    --target=192.0.2.2 --seconds=2 --warmup=0 --size="$UDP_SIZE" --window="$UDP_WINDOW" >/dev/null
  head -c $((8 << 20)) /dev/zero | ip netns exec "$ns" socat -t 30 -T 60 - TCP:192.0.2.2:7 >/dev/null
done

ping_raw() { # NS FILE: RTTs in microseconds, one per line, appended to FILE
  ip netns exec "$1" ping -c "$PING_COUNT" -i "$PING_INTERVAL" 192.0.2.2 \
    | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' \
    | awk '{ print $1 * 1000 }' >>"$2"
}
ping_stats() { # FILE -> "median mean count"
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
tcp_mibps() { # NS -> MiB/s of TCP_MIB MiB echoed (checks that every byte came back)
  local start end got
  start=$(date +%s%N)
  got=$(head -c $((TCP_MIB << 20)) /dev/zero | ip netns exec "$1" socat -t 60 -T 120 - TCP:192.0.2.2:7 | wc -c)
  end=$(date +%s%N)
  if [ "$got" != $((TCP_MIB << 20)) ]; then
    echo "TCP echo in $1 returned $got of $((TCP_MIB << 20)) bytes" >&2
    echo 0.0
    return
  fi
  awk -v b="$got" -v ns=$((end - start)) 'BEGIN { printf "%.1f\n", b / 1048576 / (ns / 1e9) }'
}
best() { sort -g | tail -1; }

for _ in $(seq 1 "$PING_ROUNDS"); do
  ping_raw "$NS_TAP" "$WORK/rtt-tap"
  ping_raw "$NS_PK" "$WORK/rtt-packet"
  ping_raw "$NS_P2" "$WORK/rtt-packet-v2"
done
read -r T_MED T_AVG T_N <<<"$(ping_stats "$WORK/rtt-tap")"
read -r P_MED P_AVG P_N <<<"$(ping_stats "$WORK/rtt-packet")"
read -r Q_MED Q_AVG Q_N <<<"$(ping_stats "$WORK/rtt-packet-v2")"
read -r T_RATE T_LOST <<<"$(udp_rate "$NS_TAP")"
read -r P_RATE P_LOST <<<"$(udp_rate "$NS_PK")"
read -r Q_RATE Q_LOST <<<"$(udp_rate "$NS_P2")"
for _ in $(seq 1 "$TCP_ROUNDS"); do
  tcp_mibps "$NS_TAP" >>"$WORK/tcp-tap"
  tcp_mibps "$NS_PK" >>"$WORK/tcp-packet"
  tcp_mibps "$NS_P2" >>"$WORK/tcp-packet-v2"
done
T_TCP=$(best <"$WORK/tcp-tap")
P_TCP=$(best <"$WORK/tcp-packet")
Q_TCP=$(best <"$WORK/tcp-packet-v2")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "Morgana's echo kernel over AF_PACKET (PACKET_MMAP, veth; TPACKET_V3 and V2 rings) vs over TAP, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg):"
echo
echo "| measure | AF_PACKET V3 | AF_PACKET V2 | TAP | V3 / TAP | V2 / TAP |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| ping RTT median, µs ($P_N / $Q_N / $T_N replies of $PING_ROUNDS × $PING_COUNT, -i $PING_INTERVAL) | $P_MED | $Q_MED | $T_MED | $(ratio "$P_MED" "$T_MED") | $(ratio "$Q_MED" "$T_MED") |"
echo "| ping RTT mean, µs | $P_AVG | $Q_AVG | $T_AVG | $(ratio "$P_AVG" "$T_AVG") | $(ratio "$Q_AVG" "$T_AVG") |"
echo "| UDP echo, datagrams/s ($UDP_SIZE B, window $UDP_WINDOW, ${UDP_SECONDS} s; lost $P_LOST / $Q_LOST / $T_LOST) | $P_RATE | $Q_RATE | $T_RATE | $(ratio "$P_RATE" "$T_RATE") | $(ratio "$Q_RATE" "$T_RATE") |"
echo "| TCP echo, MiB/s echoed ($TCP_MIB MiB through port 7 with socat, best of $TCP_ROUNDS) | $P_TCP | $Q_TCP | $T_TCP | $(ratio "$P_TCP" "$T_TCP") | $(ratio "$Q_TCP" "$T_TCP") |"
echo
echo "Command: \`benchmarks/packet/run.sh\` (PING_ROUNDS=$PING_ROUNDS PING_COUNT=$PING_COUNT PING_INTERVAL=$PING_INTERVAL PING_WARMUP=$PING_WARMUP UDP_SECONDS=$UDP_SECONDS TCP_MIB=$TCP_MIB TCP_ROUNDS=$TCP_ROUNDS). RTT: lower is better; datagrams/s and MiB/s: higher is better."
