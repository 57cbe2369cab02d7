#!/usr/bin/env bash
# Discard (RFC 863) A/B of two echo-tap.jar builds, offloads off: each jar in a network namespace
# of its own (a TAP mtap0, kernel side 192.0.2.1/24, Morgana 192.0.2.2/24), four 64 MiB warm-up
# transfers each, then ROUNDS interleaved rounds of `head -c 64M /dev/zero | socat -u -b 65536 -
# TCP:192.0.2.2:9` from the TAP's kernel side. Per transfer it prints MiB/s and the CPU seconds
# (user + system, /proc/PID/stat) of the Morgana process — which includes the kernel's TCP input
# run inside each ACK it writes into the TAP — and at the end the medians. CPU seconds per 64 MiB
# vary far less with the machine's load than MiB/s do.
#
#   benchmarks/tcp/discard-ab.sh A.jar B.jar [ROUNDS]      # as root; ROUNDS defaults to 15
#
# Namespaces are deleted on exit, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
. "$ROOT/scripts/jdk25.sh"
A="$1"
B="$2"
ROUNDS="${3:-15}"
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmark creates network namespaces" >&2
  exit 1
fi
WORK="$(mktemp -d)"
PIDS=()
NSS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

start() { # NS JAR
  ip netns add "$1"
  NSS+=("$1")
  ip -n "$1" link set lo up
  ip -n "$1" tuntap add dev mtap0 mode tap
  ip -n "$1" addr add 192.0.2.1/24 dev mtap0
  ip -n "$1" link set mtap0 up
  ip netns exec "$1" java -jar "$2" --net=tap:mtap0 --ipv4=192.0.2.2/24 >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
NS_A="mab$$-a"
NS_B="mab$$-b"
start "$NS_A" "$A"
start "$NS_B" "$B"
for ns in "$NS_A" "$NS_B"; do
  for _ in $(seq 1 60); do
    ip netns exec "$ns" socat -u /dev/null TCP:192.0.2.2:9,connect-timeout=1 2>/dev/null && break
    sleep 0.5
  done
  for _ in 1 2 3 4; do
    head -c 64M /dev/zero | ip netns exec "$ns" socat -u -b 65536 - TCP:192.0.2.2:9
  done
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks
transfer() { # NS PID: prints "MiB/s cpu-s"
  local t0 t1 c0 c1
  c0=$(cpu "$2")
  t0=$(date +%s.%N)
  head -c 64M /dev/zero | ip netns exec "$1" socat -u -b 65536 - TCP:192.0.2.2:9
  t1=$(date +%s.%N)
  c1=$(cpu "$2")
  awk -v t="$t1" -v s="$t0" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.1f %.2f\n", 64 / (t - s), c / hz}'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  a=$(transfer "$NS_A" "${PIDS[0]}")
  b=$(transfer "$NS_B" "${PIDS[1]}")
  echo "round $r: A ${a% *} MiB/s ${a#* } cpu-s | B ${b% *} MiB/s ${b#* } cpu-s"
  echo "$a $b" >>"$WORK/rounds"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "median A: $(cut -d' ' -f1 "$WORK/rounds" | median) MiB/s, $(cut -d' ' -f2 "$WORK/rounds" | median) cpu-s per 64 MiB"
echo "median B: $(cut -d' ' -f3 "$WORK/rounds" | median) MiB/s, $(cut -d' ' -f4 "$WORK/rounds" | median) cpu-s per 64 MiB"
