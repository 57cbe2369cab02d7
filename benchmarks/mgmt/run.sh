#!/usr/bin/env bash
# Issue 15: the web server's throughput with and without a Prometheus-style scrape of its
# management port every second. The static website's socket target on 127.0.0.1 (no root needed),
# wrk with 2 threads and 32 connections for 10 s per run: unscraped, scraped (curl GET /metrics
# every second, as Prometheus would), unscraped again. Prints markdown.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$(dirname "$here")")"
cd "$root"
. scripts/jdk25.sh
example=examples/static-website
jar="$example/target/static-website-socket.jar"
[ -f "$jar" ] || mvn -B -q -ntp -DskipTests install -pl "$example" -am
image="$(mktemp --suffix=.img)"
"$example/site-image" "$example/site" "$image" >/dev/null
port=18080
mport=19100
log="$(mktemp)"
java --enable-native-access=ALL-UNNAMED -jar "$jar" --disk="$image" --port=$port --mgmt-port=$mport \
  --mgmt-open-metrics --no-access-log >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$image" "$log"' EXIT
for _ in $(seq 1 60); do grep -q serving "$log" && break; sleep 1; done
url="http://127.0.0.1:$port/"
wrk -t2 -c32 -d5s "$url" >/dev/null # warm-up
run() { wrk -t2 -c32 -d10s "$url" | awk '/Requests\/sec/ {print $2}'; }
a=$(run)
( while true; do curl -s -o /dev/null "http://127.0.0.1:$mport/metrics"; sleep 1; done ) &
scraper=$!
b=$(run)
kill $scraper; wait $scraper 2>/dev/null || true
c=$(run)
bytes=$(curl -s "http://127.0.0.1:$mport/metrics" | wc -c)
echo "| run | requests/s |"
echo "|---|---:|"
echo "| not scraped | $a |"
echo "| scraped every second | $b |"
echo "| not scraped again | $c |"
echo
echo "One scrape: $bytes bytes of Prometheus text."
