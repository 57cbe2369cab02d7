#!/usr/bin/env bash
# Issue 12 benchmark: time from an interface coming up to a bound DHCP lease from dnsmasq, for
# Morgana's client (echo-tap.jar --dhcp over a TAP device), busybox udhcpc and ISC dhclient (each
# on a veth interface), measured in the same run against the same dnsmasq.
#
#   Morgana, process   java -jar echo-tap.jar --dhcp starts -> "dhcp: bound" on its standard error
#                      (JVM start, kernel boot, the exchange); with --dhcp-no-probe, and with the
#                      default RFC 5227 ARP probe (three requests a second apart) for reference
#   Morgana, exchange  the client's own figure in that log line: first DISCOVER -> bound
#   udhcpc             busybox udhcpc -f -q -n -s /bin/true: process start -> exit with a lease
#   dhclient           dhclient -1 -sf /bin/true: process start -> return with a lease
#
# Each is ROUNDS (5) runs, interface set down and up before each; medians (ms). Needs root
# (network namespaces), iproute2, dnsmasq, busybox, isc-dhcp-client and the built jar:
#
#   . scripts/jdk25.sh && mvn -B -o -q -pl examples/echo -am package -DskipTests
#   sudo benchmarks/dhcp/run.sh
#
# Everything happens in one namespace this script creates (addresses from 192.0.2.0/24: veth on
# .0/25, TAP on .128/25) and deletes on exit, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

ECHO_JAR="${ECHO_JAR:-$ROOT/examples/echo/target/echo-tap.jar}"
ROUNDS="${ROUNDS:-5}"
JAVA_OPTS="${JAVA_OPTS:-}"

if [ ! -f "$ECHO_JAR" ]; then
  echo "missing $ECHO_JAR; build it first: mvn -B -o -q -pl examples/echo -am package -DskipTests" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "run as root: the benchmark creates a network namespace" >&2
  exit 1
fi
for tool in ip dnsmasq busybox dhclient awk sort; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install iproute2 dnsmasq busybox isc-dhcp-client)" >&2; exit 1; }
done

NS="mgd$$"
WORK="$(mktemp -d)"
DNSMASQ_PID=""
cleanup() {
  [ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null || true
  for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { ip netns exec "$NS" "$@"; }
now_ns() { date +%s%N; }

ip netns add "$NS"
in_ns sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
in_ns ip link set lo up
in_ns ip link add vs type veth peer name vc
in_ns ip addr add 192.0.2.1/25 dev vs
in_ns ip link set vs up
in_ns ip tuntap add dev mt mode tap
in_ns ip addr add 192.0.2.129/25 dev mt
in_ns ip link set mt up

in_ns dnsmasq --no-daemon --conf-file=/dev/null --interface=vs --interface=mt --bind-interfaces --port=0 \
  --dhcp-range=192.0.2.10,192.0.2.100,255.255.255.128,1h --dhcp-range=192.0.2.140,192.0.2.200,255.255.255.128,1h \
  --dhcp-leasefile="$WORK/leases" --dhcp-authoritative --no-ping --log-dhcp --log-facility=- 2>"$WORK/dnsmasq.log" &
DNSMASQ_PID=$!
sleep 1

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "-"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'; }

bounce_veth() {
  in_ns ip addr flush dev vc
  in_ns ip link set vc down
  in_ns ip link set vc up
}

udhcpc_ms=()
dhclient_ms=()
morgana_ms=()
morgana_exchange_ms=()
probe_ms=()
probe_exchange_ms=()

run_morgana() { # $1: extra flag; prints "process_ms exchange_ms"
  local log="$WORK/morgana.log"
  : >"$log"
  local t0 t1
  t0=$(now_ns)
  # shellcheck disable=SC2086
  # ip netns exec execs java itself, so $! is the JVM (not a subshell, as with the in_ns function).
  ip netns exec "$NS" java $JAVA_OPTS --enable-native-access=ALL-UNNAMED -jar "$ECHO_JAR" --net=tap:mt --dhcp \
    --mac=02:00:5e:10:00:42 $1 2>"$log" &
  local pid=$!
  for _ in $(seq 1 3000); do
    if grep -q "dhcp: bound" "$log"; then break; fi
    sleep 0.005
  done
  t1=$(now_ns)
  local exchange
  exchange=$(grep -o '[0-9]* ms after the client started' "$log" | head -1 | awk '{print $1}' || true)
  if [ -z "$exchange" ]; then
    echo "Morgana did not bind within 15 s; its log:" >&2
    cat "$log" >&2
    tail -20 "$WORK/dnsmasq.log" >&2
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) ${exchange:--}"
}

for round in $(seq 1 "$ROUNDS"); do
  bounce_veth
  t0=$(now_ns)
  in_ns busybox udhcpc -i vc -f -q -n -s /bin/true >/dev/null 2>&1
  t1=$(now_ns)
  udhcpc_ms+=($(( (t1 - t0) / 1000000 )))

  bounce_veth
  t0=$(now_ns)
  in_ns dhclient -1 -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" vc >/dev/null 2>&1
  t1=$(now_ns)
  dhclient_ms+=($(( (t1 - t0) / 1000000 )))
  in_ns dhclient -x -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" vc >/dev/null 2>&1 || true

  read -r p e < <(run_morgana --dhcp-no-probe)
  morgana_ms+=("$p"); morgana_exchange_ms+=("$e")
  read -r p e < <(run_morgana "")
  probe_ms+=("$p"); probe_exchange_ms+=("$e")
done

m_udhcpc=$(printf '%s\n' "${udhcpc_ms[@]}" | median)
m_dhclient=$(printf '%s\n' "${dhclient_ms[@]}" | median)
m_morgana=$(printf '%s\n' "${morgana_ms[@]}" | median)
m_exchange=$(printf '%s\n' "${morgana_exchange_ms[@]}" | median)
m_probe=$(printf '%s\n' "${probe_ms[@]}" | median)
m_probe_exchange=$(printf '%s\n' "${probe_exchange_ms[@]}" | median)

echo "Time to a bound lease from dnsmasq, median of $ROUNDS (ms; all runs in brackets):"
echo
echo "| client | interface up → bound | DISCOVER → bound |"
echo "|---|---:|---:|"
echo "| Morgana, \`--dhcp-no-probe\` (process incl. JVM start) | $m_morgana (${morgana_ms[*]}) | $m_exchange (${morgana_exchange_ms[*]}) |"
echo "| Morgana, with the ARP probe | $m_probe (${probe_ms[*]}) | $m_probe_exchange (${probe_exchange_ms[*]}) |"
echo "| busybox udhcpc | $m_udhcpc (${udhcpc_ms[*]}) | — |"
echo "| ISC dhclient | $m_dhclient (${dhclient_ms[*]}) | — |"
