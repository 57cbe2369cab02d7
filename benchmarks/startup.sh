#!/usr/bin/env bash
# Startup and footprint (issue 14): time from process start to the first useful output, and the
# resident memory right after it, median of RUNS runs (default 10), for
#
#   static-website-socket.jar   process start to the first HTTP 200 on 127.0.0.1 (polled with
#                               bash's /dev/tcp, no client process per poll)
#   hello-unix.jar              process start to its first line on standard output
#   fat.jar df IMG              process start to exit (the whole command), peak RSS
#   bare JVM hello (peer)       one class printing one line: what the JVM alone costs
#
# each with the JVM as it comes ("plain"), with a JDK AOT cache (JEP 483/514: a training run with
# -XX:AOTCacheOutput, then -XX:AOTCache), and with the AOT cache on a jlinked runtime holding only
# the JDK modules `jdeps --print-module-deps` finds in the jar (jlink --strip-debug
# --no-header-files --no-man-pages --compress=zip-6). Caches are trained here, one per runtime and
# option set (a cache is bound to its JDK image, its jar and its GC). Also the cheap options
# (TUNED: C1 only, Serial GC) on top, and sizes of the jars, caches and runtime images.
#
#   benchmarks/startup.sh                 markdown tables on standard output
#   RUNS=20 benchmarks/startup.sh
#   ONLY=web benchmarks/startup.sh        one of web, hello, fat (default: all three)
#
# Needs the jars (mvn -B -o -q install -DskipTests -pl examples/static-website,examples/hello -am)
# and curl. No root: everything runs on 127.0.0.1 in a temporary directory deleted on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/jdk25.sh"

RUNS="${RUNS:-10}"
ONLY="${ONLY:-all}"
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
TUNED="${TUNED:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
WEB_JAR="$root/examples/static-website/target/static-website-socket.jar"
HELLO_JAR="$root/examples/hello/target/hello-unix.jar"
FAT_JAR="$root/fs-fat/target/fat.jar"
for jar in "$WEB_JAR" "$HELLO_JAR" "$FAT_JAR"; do
  [ -f "$jar" ] || { echo "startup: missing $jar; build: mvn -B -o -q install -DskipTests -pl examples/static-website,examples/hello -am" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "startup: needs curl" >&2; exit 1; }

work="$(mktemp -d /tmp/startup-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/examples/static-website/site-image" "$root/examples/static-website/site" "$work/site.img" >/dev/null
cat >"$work/BareHello.java" <<'JAVA'
public class BareHello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
javac -d "$work" "$work/BareHello.java"

JDK="$JAVA_HOME"
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
dir_mib() { du -sm "$1" | cut -f1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A jlinked runtime with the modules the shaded jar needs (jdeps); prints its home.
runtime_for() { # $1 name, $2 jar -> prints the image's home
  local image="$work/jre-$1" mods
  mods="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 25 "$2" 2>/dev/null | tail -1)"
  jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$image" >/dev/null
  echo "$mods" >"$image/.modules"
  echo "$image"
}

# ---- one run of each workload; each prints "microseconds rss_mib" ----
web_once() { # $1 java home, rest JVM options
  local home=$1; shift
  local port; port="$(free_port)"
  bash -c '
    home=$1 port=$2 jar=$3 img=$4; shift 4
    t0=$EPOCHREALTIME
    "$home/bin/java" "$@" -jar "$jar" --port="$port" --disk="$img" --disk-readonly --no-access-log --logs=warn >/dev/null 2>&1 &
    pid=$!
    until exec 3<>"/dev/tcp/127.0.0.1/$port"; do sleep 0.002; done 2>/dev/null
    printf "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&3
    read -r status <&3
    t1=$EPOCHREALTIME
    rss=$(awk "/^VmRSS/ {printf \"%.1f\", \$2/1024}" /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null
    case "$status" in *" 200 "*) ;; *) echo "startup: bad first response: $status" >&2; exit 1 ;; esac
    awk -v a="$t0" -v b="$t1" -v r="$rss" "BEGIN { printf \"%d %s\\n\", (b - a) * 1e6, r }"
  ' _ "$home" "$port" "$WEB_JAR" "$work/site.img" "$@"
}
line_once() { # $1 java home, $2 expected first line, rest: java arguments
  local home=$1 expected=$2; shift 2
  local t0 t1 line fd pid rss
  t0=$EPOCHREALTIME
  exec {fd}< <(exec "$home/bin/java" "$@" 2>/dev/null)
  pid=$!
  IFS= read -r -u "$fd" line || line="<end of output>"
  t1=$EPOCHREALTIME
  rss=$(awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo 0)
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exec {fd}<&-
  [ "$line" = "$expected" ] || { echo "startup: first line of $* was '$line', expected '$expected'" >&2; exit 1; }
  awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN { printf "%d %s\n", (b - a) * 1e6, r }'
}
fat_once() { # $1 java home, rest JVM options: the whole `fat df`, peak RSS
  local home=$1; shift
  local t0 t1 rss
  t0=$EPOCHREALTIME
  /usr/bin/time -o "$work/fat.time" -f %M "$home/bin/java" "$@" -jar "$FAT_JAR" df "$work/site.img" >/dev/null 2>&1
  rss=$(tail -1 "$work/fat.time")
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN { printf "%d %.1f\n", (b - a) * 1e6, r / 1024 }'
}

# ---- training runs (the same workloads; the cache is written at exit) ----
train_web() { # $1 java home, $2 cache, rest options
  local home=$1 aot=$2; shift 2
  local port; port="$(free_port)"
  "$home/bin/java" -XX:AOTCacheOutput="$aot" "$@" -jar "$WEB_JAR" --port="$port" --disk="$work/site.img" --disk-readonly \
    --no-access-log --logs=warn >"$aot.log" 2>&1 &
  local pid=$!
  local tries=0
  until curl -s -o /dev/null -f "http://127.0.0.1:$port/index.html"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "startup: the training run of $WEB_JAR on $home does not serve:" >&2; cat "$aot.log" >&2; exit 1
    fi
    sleep 0.05
  done
  for _ in 1 2 3; do
    for f in "" index.html docs/ css/site.css robots.txt nope; do curl -s -o /dev/null "http://127.0.0.1:$port/$f" || true; done
  done
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  [ -s "$aot" ] || { echo "startup: no cache written by the training run of $WEB_JAR:" >&2; cat "$aot.log" >&2; exit 1; }
}
train_hello() { # $1 java home, $2 cache, rest options
  local home=$1 aot=$2; shift 2
  line_once "$home" hello -XX:AOTCacheOutput="$aot" "$@" -jar "$HELLO_JAR" >/dev/null
  [ -s "$aot" ] || { echo "startup: no cache written by the training run of $HELLO_JAR" >&2; exit 1; }
}
train_fat() {
  local home=$1 aot=$2; shift 2
  "$home/bin/java" -XX:AOTCacheOutput="$aot" "$@" -jar "$FAT_JAR" df "$work/site.img" >/dev/null 2>&1
  [ -s "$aot" ] || { echo "startup: no cache written by the training run of $FAT_JAR" >&2; exit 1; }
}

median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
measure() { # label, function, java home, args... -> a table row
  local label=$1 fn=$2; shift 2
  local i out ms=() rss=()
  "$fn" "$@" >/dev/null # warm-up (page cache), not counted
  for ((i = 0; i < RUNS; i++)); do
    out="$("$fn" "$@")"
    ms+=("${out% *}"); rss+=("${out#* }")
  done
  local m r lo hi
  m="$(printf '%s\n' "${ms[@]}" | median)"
  lo="$(printf '%s\n' "${ms[@]}" | sort -n | head -1)"; hi="$(printf '%s\n' "${ms[@]}" | sort -n | tail -1)"
  r="$(printf '%s\n' "${rss[@]}" | median)"
  awk -v l="$label" -v m="$m" -v lo="$lo" -v hi="$hi" -v r="$r" \
    'BEGIN { printf "| %s | %.0f | %.0f–%.0f | %s |\n", l, m / 1000, lo / 1000, hi / 1000, (r > 0 ? sprintf("%.1f", r) : "(exited)") }'
}
header() { echo; echo "## $1, median of $RUNS"; echo; echo "| JVM | ms | min–max ms | RSS MiB |"; echo "|---|---:|---:|---:|"; }

WEB_RT="$(runtime_for web "$WEB_JAR")"
HELLO_RT="$(runtime_for hello "$HELLO_JAR")"
FAT_RT="$(runtime_for fat "$FAT_JAR")"
# shellcheck disable=SC2206
tuned=($TUNED)
if want web; then
  train_web "$JDK" "$work/web.aot"
  train_web "$WEB_RT" "$work/web-jre.aot"
  train_web "$WEB_RT" "$work/web-jre-tuned.aot" "${tuned[@]}"
fi
if want hello; then
  train_hello "$JDK" "$work/hello.aot"
  train_hello "$HELLO_RT" "$work/hello-jre.aot"
  train_hello "$HELLO_RT" "$work/hello-jre-tuned.aot" "${tuned[@]}"
fi
if want fat; then
  train_fat "$JDK" "$work/fat.aot"
  train_fat "$FAT_RT" "$work/fat-jre.aot"
  train_fat "$FAT_RT" "$work/fat-jre-tuned.aot" "${tuned[@]}"
fi

jv="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
echo "JDK $jv, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

if want web; then
header "static-website-socket.jar: process start to first HTTP 200"
measure "plain" web_once "$JDK"
measure "AOT cache" web_once "$JDK" -XX:AOTCache="$work/web.aot"
measure "AOT cache + jlinked runtime" web_once "$WEB_RT" -XX:AOTCache="$work/web-jre.aot"
measure "AOT cache + jlinked runtime + $TUNED" web_once "$WEB_RT" -XX:AOTCache="$work/web-jre-tuned.aot" "${tuned[@]}"
fi

if want hello; then
header "hello-unix.jar: process start to first line"
measure "plain" line_once "$JDK" hello -jar "$HELLO_JAR"
measure "AOT cache" line_once "$JDK" hello -XX:AOTCache="$work/hello.aot" -jar "$HELLO_JAR"
measure "AOT cache + jlinked runtime" line_once "$HELLO_RT" hello -XX:AOTCache="$work/hello-jre.aot" -jar "$HELLO_JAR"
measure "AOT cache + jlinked runtime + $TUNED" line_once "$HELLO_RT" hello -XX:AOTCache="$work/hello-jre-tuned.aot" "${tuned[@]}" -jar "$HELLO_JAR"
measure "peer: bare JVM hello" line_once "$JDK" hello -cp "$work" BareHello
measure "peer: bare JVM hello + $TUNED" line_once "$JDK" hello "${tuned[@]}" -cp "$work" BareHello
fi

if want fat; then
header "fat.jar df (whole command; RSS is the peak)"
measure "plain" fat_once "$JDK"
measure "AOT cache" fat_once "$JDK" -XX:AOTCache="$work/fat.aot"
measure "AOT cache + jlinked runtime" fat_once "$FAT_RT" -XX:AOTCache="$work/fat-jre.aot"
measure "AOT cache + jlinked runtime + $TUNED" fat_once "$FAT_RT" -XX:AOTCache="$work/fat-jre-tuned.aot" "${tuned[@]}"
fi

echo
echo "## sizes (MiB)"
echo
echo "| | jar | AOT cache (JDK) | AOT cache (jlinked) | jlinked runtime | its modules |"
echo "|---|---:|---:|---:|---:|---|"
size_row() { # label jar cache jlinked-cache runtime
  local c1=- c2=-
  [ -f "$3" ] && c1=$(mib "$3")
  [ -f "$4" ] && c2=$(mib "$4")
  echo "| $1 | $(mib "$2") | $c1 | $c2 | $(dir_mib "$5") | $(cat "$5/.modules") |"
}
size_row static-website-socket "$WEB_JAR" "$work/web.aot" "$work/web-jre.aot" "$WEB_RT"
size_row hello-unix "$HELLO_JAR" "$work/hello.aot" "$work/hello-jre.aot" "$HELLO_RT"
size_row fat "$FAT_JAR" "$work/fat.aot" "$work/fat-jre.aot" "$FAT_RT"
echo "| full JDK ($JDK) | | | | $(dir_mib "$JDK") | |"
