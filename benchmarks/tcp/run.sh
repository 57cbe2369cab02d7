#!/usr/bin/env bash
# Issue 11 benchmark: Morgana's TCP over a TAP device against the Linux kernel's TCP over a veth
# pair with every offload off, measured in the same run, both from a kernel-side client:
#
#   discard, L->M    TCP_MIB MiB written by socat to port 9 (RFC 863), MiB/s
#   chargen, M->L    TCP_MIB MiB read by socat from port 19 (RFC 864), MiB/s
#   echo             TCP_MIB MiB through port 7 (RFC 862) and back, MiB/s of echoed data
#   connections/s    TcpConnectLoad: CONN_THREADS threads connect to port 9 and close, CONN_SECONDS
#
# Morgana is examples/echo's echo-tap.jar (--net=tap:mtap0 --ipv4=192.0.2.2/24); the kernel peer
# is KernelTcpServices (benchmarks.jar: the same three services on kernel sockets, a virtual thread
# per connection) behind a veth pair with tso, gso, gro, tx and rx checksum offloads off on both
# ends. Transfers are interleaved, TCP_ROUNDS rounds, and the median is printed with the ratio
# Morgana / Linux. Needs root (network namespaces), iproute2, iputils-ping, ethtool, socat, and
# the built jars:
#
#   . scripts/jdk25.sh && mvn -B -o -q -pl examples/echo,benchmarks -am package -DskipTests
#   benchmarks/tcp/run.sh       # or benchmarks/run tcp
#
# Knobs (environment): TCP_MIB (64), TCP_ROUNDS (3), SOCAT_BUFFER (65536 bytes per read/write),
# CONN_SECONDS (5), CONN_THREADS (4), WARMUP_MIB (32), ECHO_JAR
# (examples/echo/target/echo-tap.jar), JAVA_OPTS (Morgana's JVM), SKIP_LINUX (1: Morgana only),
# OFFLOAD (1: Morgana with --tap-offload, i.e. IFF_VNET_HDR with receive checksum offload and TSO4,
# and the veth pair with tso, gso, gro, tx and rx checksum offloads ON instead of off).
# Everything happens in namespaces this script creates (addresses from 192.0.2.0/24) and deletes
# on exit, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

ECHO_JAR="${ECHO_JAR:-$ROOT/examples/echo/target/echo-tap.jar}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
TCP_MIB="${TCP_MIB:-64}"
TCP_ROUNDS="${TCP_ROUNDS:-3}"
SOCAT_BUFFER="${SOCAT_BUFFER:-65536}"
CONN_SECONDS="${CONN_SECONDS:-5}"
CONN_THREADS="${CONN_THREADS:-4}"
WARMUP_MIB="${WARMUP_MIB:-32}"
JAVA_OPTS="${JAVA_OPTS:-}"
SKIP_LINUX="${SKIP_LINUX:-}"
OFFLOAD="${OFFLOAD:-}"
if [ -n "$OFFLOAD" ]; then
  TAP_ARGS=(--tap-offload)
  VETH_OFFLOADS=on
else
  TAP_ARGS=()
  VETH_OFFLOADS=off
fi

for jar in "$ECHO_JAR" "$BENCH_JAR"; do
  if [ ! -f "$jar" ]; then
    echo "missing $jar; build it first: mvn -B -o -q -pl examples/echo,benchmarks -am package -DskipTests" >&2
    exit 1
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmark creates network namespaces" >&2
  exit 1
fi
for tool in ip ping ethtool socat awk sort head wc; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install iproute2 iputils-ping ethtool socat)" >&2; exit 1; }
done

TAG="mgt$$"
NS_TAP="$TAG-tap"   # the kernel side of Morgana's TAP, and the client
NS_A="$TAG-a"       # Linux client
NS_B="$TAG-b"       # Linux server
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for ns in "$NS_TAP" "$NS_A" "$NS_B"; do
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
  # the connect-close client keeps every TIME-WAIT: let it reuse ports
  ip netns exec "$1" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65535"
}

# --- Morgana: a TAP in its own namespace, host side 192.0.2.1, Morgana 192.0.2.2 ---------------
new_ns "$NS_TAP"
ip -n "$NS_TAP" tuntap add dev mtap0 mode tap
ip -n "$NS_TAP" addr add 192.0.2.1/24 dev mtap0
ip -n "$NS_TAP" link set mtap0 up
# shellcheck disable=SC2086
ip netns exec "$NS_TAP" java $JAVA_OPTS -jar "$ECHO_JAR" --net=tap:mtap0 --ipv4=192.0.2.2/24 \
  ${TAP_ARGS[@]+"${TAP_ARGS[@]}"} >"$WORK/morgana.log" 2>&1 &
PIDS+=($!)

# --- Linux: two namespaces joined by a veth pair, offloads off (on with OFFLOAD=1) ------------
new_ns "$NS_A"
new_ns "$NS_B"
ip link add "$TAG-va" type veth peer name "$TAG-vb"
ip link set "$TAG-va" netns "$NS_A"
ip link set "$TAG-vb" netns "$NS_B"
ip -n "$NS_A" link set "$TAG-va" name veth0
ip -n "$NS_B" link set "$TAG-vb" name veth0
for ns in "$NS_A" "$NS_B"; do
  ip netns exec "$ns" ethtool -K veth0 tso $VETH_OFFLOADS gso $VETH_OFFLOADS gro $VETH_OFFLOADS \
    tx $VETH_OFFLOADS rx $VETH_OFFLOADS >/dev/null
done
ip -n "$NS_A" addr add 192.0.2.1/24 dev veth0
ip -n "$NS_B" addr add 192.0.2.2/24 dev veth0
ip -n "$NS_A" link set veth0 up
ip -n "$NS_B" link set veth0 up
ip netns exec "$NS_B" java -cp "$BENCH_JAR" io.morgana.benchmarks.net.KernelTcpServices \
  >"$WORK/kernel.log" 2>&1 &
PIDS+=($!)

wait_for_ping() { # NS LOG
  for _ in $(seq 1 120); do
    if ip netns exec "$1" ping -c 1 -W 1 -q 192.0.2.2 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "no answer to ping from 192.0.2.2 in $1; log:" >&2
  cat "$2" >&2
  return 1
}
wait_for_ping "$NS_TAP" "$WORK/morgana.log"
wait_for_ping "$NS_A" "$WORK/kernel.log"
for _ in $(seq 1 60); do
  grep -q listening "$WORK/kernel.log" && break
  sleep 0.5
done

CLIENTS=("$NS_TAP")
if [ -z "$SKIP_LINUX" ]; then
  CLIENTS+=("$NS_A")
fi

# MiB/s of TCP_MIB MiB in one direction; prints 0.0 (and why, on stderr) if a byte is missing.
mibps() { # NS discard|chargen|echo
  local start end got bytes=$((TCP_MIB << 20))
  start=$(date +%s%N)
  case "$2" in
    discard)
      head -c "$bytes" /dev/zero \
        | ip netns exec "$1" socat -b "$SOCAT_BUFFER" -u -T 120 - TCP:192.0.2.2:9
      got=$bytes ;;
    chargen)
      # head closes the pipe after the last byte wanted: socat's SIGPIPE is the normal end
      got=$({ ip netns exec "$1" socat -b "$SOCAT_BUFFER" -u -T 120 TCP:192.0.2.2:19 - 2>/dev/null || true; } \
        | head -c "$bytes" | wc -c) ;;
    echo)
      got=$(head -c "$bytes" /dev/zero \
        | ip netns exec "$1" socat -b "$SOCAT_BUFFER" -t 60 -T 120 - TCP:192.0.2.2:7 | wc -c) ;;
  esac
  end=$(date +%s%N)
  if [ "$got" != "$bytes" ]; then
    echo "$2 in $1 moved $got of $bytes bytes" >&2
    echo 0.0
    return
  fi
  awk -v b="$got" -v ns=$((end - start)) 'BEGIN { printf "%.1f\n", b / 1048576 / (ns / 1e9) }'
}
conn_rate() { # NS -> "rate failed"
  ip netns exec "$1" java -cp "$BENCH_JAR" io.morgana.benchmarks.net.TcpConnectLoad \
    --target=192.0.2.2 --port=9 --threads="$CONN_THREADS" --seconds="$CONN_SECONDS" --warmup=1 \
    | sed -n 's/.*rate=\([0-9]*\) failed=\([0-9]*\).*/\1 \2/p'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warm-up (JIT): one transfer of each kind, not reported.
SAVED_MIB=$TCP_MIB
TCP_MIB=$WARMUP_MIB
for ns in "${CLIENTS[@]}"; do
  for kind in discard chargen echo; do
    mibps "$ns" "$kind" >/dev/null
  done
done
TCP_MIB=$SAVED_MIB

for _ in $(seq 1 "$TCP_ROUNDS"); do
  for ns in "${CLIENTS[@]}"; do
    for kind in discard chargen echo; do
      mibps "$ns" "$kind" >>"$WORK/$kind-$ns"
    done
  done
done
for ns in "${CLIENTS[@]}"; do
  read -r rate failed <<<"$(conn_rate "$ns")"
  echo "$rate" >"$WORK/conn-$ns"
  echo "$failed" >"$WORK/connfail-$ns"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
figure() { # KIND NS
  if [ -f "$WORK/$1-$2" ]; then median <"$WORK/$1-$2"; else echo "—"; fi
}

echo
if [ -n "$OFFLOAD" ]; then
  offloads="offloads on: Morgana with --tap-offload, veth with tso gso gro tx rx on"
else
  offloads="offloads off"
fi
echo "Morgana's TCP over TAP vs Linux's over veth ($offloads), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg):"
echo
echo "| measure | Morgana (TAP) | Linux (veth) | Morgana / Linux |"
echo "|---|---:|---:|---:|"
for kind in discard chargen echo; do
  case "$kind" in
    discard) label="discard L→M, MiB/s ($TCP_MIB MiB to port 9, median of $TCP_ROUNDS)" ;;
    chargen) label="chargen M→L, MiB/s ($TCP_MIB MiB from port 19, median of $TCP_ROUNDS)" ;;
    echo) label="echo, MiB/s echoed ($TCP_MIB MiB through port 7, median of $TCP_ROUNDS)" ;;
  esac
  m=$(figure "$kind" "$NS_TAP")
  l=$(figure "$kind" "$NS_A")
  echo "| $label | $m | $l | $(ratio "$m" "$l") |"
done
m=$(figure conn "$NS_TAP")
l=$(figure conn "$NS_A")
echo "| connections/s (connect + close to port 9, $CONN_THREADS threads, ${CONN_SECONDS} s; failed $(figure connfail "$NS_TAP") / $(figure connfail "$NS_A")) | $m | $l | $(ratio "$m" "$l") |"
echo
echo "Command: \`benchmarks/tcp/run.sh\` (OFFLOAD=$OFFLOAD TCP_MIB=$TCP_MIB TCP_ROUNDS=$TCP_ROUNDS SOCAT_BUFFER=$SOCAT_BUFFER CONN_THREADS=$CONN_THREADS CONN_SECONDS=$CONN_SECONDS JAVA_OPTS='$JAVA_OPTS'). Higher is better."
