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
# CONN_SECONDS (5 per round), CONN_THREADS (4), CONN_ROUNDS (3), WARMUP_MIB (32), ECHO_JAR
# (examples/echo/target/echo-tap.jar), BASELINE_JAR (another echo-tap.jar, e.g. built from an
# earlier commit: measured in the same run, in a TAP namespace of its own, as a third column),
# JAVA_OPTS (Morgana's JVM), SKIP_LINUX (1: Morgana only),
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
CONN_ROUNDS="${CONN_ROUNDS:-3}"
BASELINE_JAR="${BASELINE_JAR:-}"
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

for jar in "$ECHO_JAR" "$BENCH_JAR" ${BASELINE_JAR:+"$BASELINE_JAR"}; do
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
NS_BASE="$TAG-base" # the same for BASELINE_JAR
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
  for ns in "$NS_TAP" "$NS_BASE" "$NS_A" "$NS_B"; do
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
start_morgana() { # NS JAR LOG
  new_ns "$1"
  ip -n "$1" tuntap add dev mtap0 mode tap
  ip -n "$1" addr add 192.0.2.1/24 dev mtap0
  ip -n "$1" link set mtap0 up
  # shellcheck disable=SC2086
  ip netns exec "$1" java $JAVA_OPTS -jar "$2" --net=tap:mtap0 --ipv4=192.0.2.2/24 \
    ${TAP_ARGS[@]+"${TAP_ARGS[@]}"} >"$3" 2>&1 &
  PIDS+=($!)
}
start_morgana "$NS_TAP" "$ECHO_JAR" "$WORK/morgana.log"
if [ -n "$BASELINE_JAR" ]; then
  start_morgana "$NS_BASE" "$BASELINE_JAR" "$WORK/baseline.log"
fi

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
if [ -n "$BASELINE_JAR" ]; then
  wait_for_ping "$NS_BASE" "$WORK/baseline.log"
fi
wait_for_ping "$NS_A" "$WORK/kernel.log"
for _ in $(seq 1 60); do
  grep -q listening "$WORK/kernel.log" && break
  sleep 0.5
done

CLIENTS=("$NS_TAP")
if [ -n "$BASELINE_JAR" ]; then
  CLIENTS+=("$NS_BASE")
fi
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
# Connection rates are the noisiest figure (a server whose acceptor is descheduled overflows its
# accept queue, and each SYN dropped for it costs a client thread a 1 s retransmission): rounds
# interleaved like the transfers, median of the rates, failed connects summed.
for _ in $(seq 1 "$CONN_ROUNDS"); do
  for ns in "${CLIENTS[@]}"; do
    read -r rate failed <<<"$(conn_rate "$ns")"
    echo "$rate" >>"$WORK/conn-$ns"
    echo "$failed" >>"$WORK/connfail-$ns"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
figure() { # KIND NS
  if [ -f "$WORK/$1-$2" ]; then median <"$WORK/$1-$2"; else echo "—"; fi
}
total() { # KIND NS
  if [ -f "$WORK/$1-$2" ]; then awk '{ t += $1 } END { print t }' "$WORK/$1-$2"; else echo "—"; fi
}
row() { # LABEL KIND
  local m l b
  m=$(figure "$2" "$NS_TAP")
  l=$(figure "$2" "$NS_A")
  if [ -n "$BASELINE_JAR" ]; then
    b=$(figure "$2" "$NS_BASE")
    echo "| $1 | $m | $b | $l | $(ratio "$m" "$l") | $(ratio "$b" "$l") |"
  else
    echo "| $1 | $m | $l | $(ratio "$m" "$l") |"
  fi
}

echo
if [ -n "$OFFLOAD" ]; then
  offloads="offloads on: Morgana with --tap-offload, veth with tso gso gro tx rx on"
else
  offloads="offloads off"
fi
echo "Morgana's TCP over TAP vs Linux's over veth ($offloads), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg):"
echo
if [ -n "$BASELINE_JAR" ]; then
  echo "| measure | Morgana (TAP) | baseline (TAP) | Linux (veth) | Morgana / Linux | baseline / Linux |"
  echo "|---|---:|---:|---:|---:|---:|"
  failed="$(total connfail "$NS_TAP") / $(total connfail "$NS_BASE") / $(total connfail "$NS_A")"
else
  echo "| measure | Morgana (TAP) | Linux (veth) | Morgana / Linux |"
  echo "|---|---:|---:|---:|"
  failed="$(total connfail "$NS_TAP") / $(total connfail "$NS_A")"
fi
for kind in discard chargen echo; do
  case "$kind" in
    discard) label="discard L→M, MiB/s ($TCP_MIB MiB to port 9, median of $TCP_ROUNDS)" ;;
    chargen) label="chargen M→L, MiB/s ($TCP_MIB MiB from port 19, median of $TCP_ROUNDS)" ;;
    echo) label="echo, MiB/s echoed ($TCP_MIB MiB through port 7, median of $TCP_ROUNDS)" ;;
  esac
  row "$label" "$kind"
done
row "connections/s (connect + close to port 9, $CONN_THREADS threads, median of $CONN_ROUNDS × ${CONN_SECONDS} s; failed in all $failed)" conn
echo
echo "Command: \`benchmarks/tcp/run.sh\` (OFFLOAD=$OFFLOAD TCP_MIB=$TCP_MIB TCP_ROUNDS=$TCP_ROUNDS SOCAT_BUFFER=$SOCAT_BUFFER CONN_THREADS=$CONN_THREADS CONN_SECONDS=$CONN_SECONDS CONN_ROUNDS=$CONN_ROUNDS BASELINE_JAR=$BASELINE_JAR JAVA_OPTS='$JAVA_OPTS'). Higher is better."
