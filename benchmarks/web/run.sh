#!/usr/bin/env bash
# Issue 14 benchmark: the static website under wrk, against nginx (one worker), in the same run.
#
#   client namespace --veth-- server namespace: nginx (one worker)            http://192.0.2.2/
#                                               static-website-socket.jar     http://192.0.2.2:8080/
#   client namespace --TAP--  static-website-tap.jar (Morgana's own stack)    http://192.0.2.130/
#
# wrk runs in the client namespace against each in turn (a warm-up, then the measured run), on
# the same small file (the sample site's index.html) and on a 64 KiB file; prints requests/s,
# latency p50/p99, the server's resident memory after the run (VmRSS, peak VmHWM), and ratios to
# nginx. Then startup: time from process start to the first HTTP 200, and VmRSS right after,
# median of STARTUP_RUNS runs of the socket target, plain and with a JDK AOT cache
# (-XX:AOTCacheOutput made by a training run, then -XX:AOTCache; JEP 483/514).
#
# Needs root (namespaces), iproute2, wrk, nginx, curl, and the built jars and fat tool:
#   . scripts/jdk25.sh && mvn -B -o -q install -DskipTests -pl examples/static-website -am
#   sudo benchmarks/web/run.sh
# Knobs: WRK_SECONDS (10), WRK_THREADS (2), WRK_CONNECTIONS (32), STARTUP_RUNS (5), JAVA_OPTS.
# Everything happens in namespaces this script creates (192.0.2.0/24) and deletes on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
. scripts/jdk25.sh

EX="$ROOT/examples/static-website"
SOCKET_JAR="$EX/target/static-website-socket.jar"
TAP_JAR="$EX/target/static-website-tap.jar"
WRK_SECONDS="${WRK_SECONDS:-10}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-32}"
STARTUP_RUNS="${STARTUP_RUNS:-5}"
JAVA_OPTS="${JAVA_OPTS:-}"

for jar in "$SOCKET_JAR" "$TAP_JAR" "$ROOT/fs-fat/target/fat.jar"; do
  [ -f "$jar" ] || { echo "missing $jar; build: mvn -B -o -q install -DskipTests -pl examples/static-website -am" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmark creates network namespaces" >&2; exit 1; }
for tool in ip wrk nginx curl awk sort; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

TAG="mgw$$"
NS_C="$TAG-c"
NS_S="$TAG-s"
WORK="$(mktemp -d /tmp/web-bench.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$NS_C" 2>/dev/null || true
  ip netns del "$NS_S" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The site: the sample site plus a 64 KiB file, on a FAT image and in a directory for nginx.
mkdir -p "$WORK/site"
cp -r "$EX/site/." "$WORK/site/"
head -c 65536 /dev/urandom > "$WORK/site/64k.bin"
"$EX/site-image" "$WORK/site" "$WORK/site.img" >/dev/null

ip netns add "$NS_C"
ip netns add "$NS_S"
ip link add "$TAG-vc" type veth peer name "$TAG-vs"
ip link set "$TAG-vc" netns "$NS_C"
ip link set "$TAG-vs" netns "$NS_S"
ip -n "$NS_C" addr add 192.0.2.1/25 dev "$TAG-vc"
ip -n "$NS_S" addr add 192.0.2.2/25 dev "$TAG-vs"
for ns in "$NS_C" "$NS_S"; do ip -n "$ns" link set lo up; done
ip -n "$NS_C" link set "$TAG-vc" up
ip -n "$NS_S" link set "$TAG-vs" up
ip -n "$NS_C" tuntap add dev mgw0 mode tap
ip -n "$NS_C" addr add 192.0.2.129/25 dev mgw0
ip -n "$NS_C" link set mgw0 up

cat > "$WORK/nginx.conf" <<NGINX
user root;
worker_processes 1;
daemon off;
error_log $WORK/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; text/css css; application/octet-stream bin; }
  server {
    listen 192.0.2.2:80;
    root $WORK/site;
  }
}
NGINX

ip netns exec "$NS_S" nginx -p "$WORK" -c "$WORK/nginx.conf" & PIDS+=($!)
ip netns exec "$NS_S" java $JAVA_OPTS -jar "$SOCKET_JAR" --listen=192.0.2.2 --port=8080 --disk="$WORK/site.img" \
  --disk-readonly --no-access-log --logs=warn > "$WORK/socket.out" 2>&1 & PIDS+=($!)
SOCKET_PID=$!
ip netns exec "$NS_C" java $JAVA_OPTS -jar "$TAP_JAR" --net=tap:mgw0 --ipv4=192.0.2.130/25 --disk="$WORK/site.img" \
  --disk-readonly --no-access-log --logs=warn > "$WORK/tap.out" 2>&1 & PIDS+=($!)
TAP_PID=$!

wait_up() { # $1 url
  for _ in $(seq 1 600); do
    if ip netns exec "$NS_C" curl -s -o /dev/null -f --max-time 1 "$1"; then return 0; fi
    sleep 0.1
  done
  echo "not serving: $1" >&2
  cat "$WORK"/*.out "$WORK/nginx-error.log" >&2 || true
  exit 1
}
wait_up http://192.0.2.2/index.html
wait_up http://192.0.2.2:8080/index.html
wait_up http://192.0.2.130/index.html
NGINX_PID="$(cat "$WORK/nginx.pid")"

rss() { awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {printf "%d/%d", r/1024, h/1024}' "/proc/$1/status"; }

# wrk's summary -> "req/s p50 p99" (latencies in ms)
run_wrk() { # $1 url
  ip netns exec "$NS_C" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d3s "$1" >/dev/null 2>&1 || true
  ip netns exec "$NS_C" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    /Non-2xx/ { bad = $NF } /Socket errors/ { err = $0 }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad != "" || err != "") ? "errors:" bad " " err : "" }'
}

echo "## wrk: $WRK_THREADS threads, $WRK_CONNECTIONS connections, ${WRK_SECONDS} s, same run"
echo
echo "| file | server | requests/s | p50 ms | p99 ms | RSS/peak MiB | vs nginx |"
echo "|---|---|---:|---:|---:|---:|---:|"
for file in index.html 64k.bin; do
  read -r n_rps n_50 n_99 n_err <<<"$(run_wrk "http://192.0.2.2/$file")"
  echo "| $file | nginx (1 worker) | $n_rps | $n_50 | $n_99 | $(rss "$NGINX_PID") | 1.00 $n_err |"
  for target in "socket http://192.0.2.2:8080 $SOCKET_PID" "tap http://192.0.2.130 $TAP_PID"; do
    set -- $target
    read -r rps p50 p99 err <<<"$(run_wrk "$2/$file")"
    ratio=$(awk -v a="$rps" -v b="$n_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "| $file | static-website-$1.jar | $rps | $p50 | $p99 | $(rss "$3") | $ratio $err |"
  done
done

# Startup: process start to first 200 on a fresh port, in the server namespace over loopback.
# One bash in the namespace starts the JVM and polls with /dev/tcp (no curl process per poll:
# forking clients in a loop would take the CPU the JVM starts on).
startup_once() { # $@ = extra JVM options; prints "ms rss_mib"
  local port=$((9000 + RANDOM % 1000))
  ip netns exec "$NS_S" bash -c '
    port=$1; jar=$2; img=$3; shift 3
    t0=$EPOCHREALTIME
    java "$@" -jar "$jar" --port="$port" --disk="$img" --disk-readonly --no-access-log --logs=warn >/dev/null 2>&1 &
    pid=$!
    until exec 3<>"/dev/tcp/127.0.0.1/$port"; do sleep 0.002; done 2>/dev/null
    printf "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&3
    read -r status <&3
    t1=$EPOCHREALTIME
    case "$status" in *" 200 "*) ;; *) echo "bad first response: $status" >&2 ;; esac
    rss=$(awk "/^VmRSS/ {printf \"%d\", \$2/1024}" /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null
    awk -v a="$t0" -v b="$t1" -v r="$rss" "BEGIN { printf \"%d %s\\n\", (b - a) * 1000, r }"
  ' _ "$port" "$SOCKET_JAR" "$WORK/site.img" $JAVA_OPTS "$@"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
startup() { # label, JVM options...
  local label=$1
  shift
  local runs=()
  for _ in $(seq 1 "$STARTUP_RUNS"); do runs+=("$(startup_once "$@")"); done
  local ms rss
  ms=$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)
  rss=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)
  echo "| $label | $ms | $rss |"
}

# The AOT cache: a training run that serves a few requests, written at exit.
AOT="$WORK/static-website-socket.aot"
port=8999
ip netns exec "$NS_S" java $JAVA_OPTS -XX:AOTCacheOutput="$AOT" -jar "$SOCKET_JAR" --port=$port --disk="$WORK/site.img" \
  --disk-readonly --no-access-log --logs=warn > "$WORK/aot-train.out" 2>&1 &
train=$!
until ip netns exec "$NS_S" curl -s -o /dev/null -f "http://127.0.0.1:$port/index.html"; do sleep 0.05; done
for f in index.html docs/ css/site.css 64k.bin nope; do ip netns exec "$NS_S" curl -s -o /dev/null "http://127.0.0.1:$port/$f" || true; done
kill "$train"; wait "$train" 2>/dev/null || true

echo
echo "## startup of static-website-socket.jar: process start to first HTTP 200, median of $STARTUP_RUNS"
echo
echo "| JVM | ms to first response | RSS MiB after it |"
echo "|---|---:|---:|"
startup "plain"
if [ -s "$AOT" ]; then
  startup "-XX:AOTCache" -XX:AOTCache="$AOT"
else
  echo "| -XX:AOTCache | (no cache written: $(tail -1 "$WORK/aot-train.out")) | |"
fi
