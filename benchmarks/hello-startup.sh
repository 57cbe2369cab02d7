#!/usr/bin/env bash
# Startup time of the hello kernel: from process start (just before fork/exec of `java -jar
# examples/hello/target/hello-unix.jar`) to its first line on standard output, median of RUNS
# runs (default 10). Each run is stopped with SIGTERM right after its first line (hello's clean
# shutdown path), so a run costs well under a second rather than hello's full seven.
#
# Peer, measured the same way in the same run: a bare JVM "hello" (one class printing one line,
# compiled here with javac), i.e. what the JVM alone costs before a first line.
#
#   benchmarks/hello-startup.sh            prints a markdown table (header and one row)
#   RUNS=20 benchmarks/hello-startup.sh
#
# Needs the jar: scripts/demo builds it (or mvn -B -q -DskipTests install -pl examples/hello -am).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/jdk25.sh"

runs="${RUNS:-10}"
jar="$root/examples/hello/target/hello-unix.jar"
if [ ! -f "$jar" ]; then
  echo "hello-startup: missing $jar; build it first with scripts/demo --help" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/BareHello.java" <<'JAVA'
public class BareHello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
javac -d "$work" "$work/BareHello.java"

now_us() { local t="$EPOCHREALTIME"; echo "${t/[.,]/}"; }

# first_line_us EXPECTED CMD...: microseconds from spawning CMD to its first stdout line.
first_line_us() {
  local expected="$1"; shift
  local start end line fd pid
  start="$(now_us)"
  exec {fd}< <(exec "$@" 2>/dev/null)
  pid=$!
  if ! IFS= read -r -u "$fd" line; then line="<end of output>"; fi
  end="$(now_us)"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exec {fd}<&-
  if [ "$line" != "$expected" ]; then
    echo "hello-startup: first line of '$*' was '$line', expected '$expected'" >&2
    exit 1
  fi
  echo $((end - start))
}

# median of the numbers on stdin, in ms with one decimal; also min and max.
stats() { sort -n | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
  printf "%.1f %.1f %.1f\n", m / 1000, v[1] / 1000, v[NR] / 1000 }'; }

# One warm-up run of each (page cache, CDS archive), not counted.
first_line_us hello java -jar "$jar" >/dev/null
first_line_us hello java -cp "$work" BareHello >/dev/null

hello_us=(); bare_us=()
for ((i = 0; i < runs; i++)); do
  hello_us+=("$(first_line_us hello java -jar "$jar")")
  bare_us+=("$(first_line_us hello java -cp "$work" BareHello)")
done
read -r h_med h_min h_max < <(printf '%s\n' "${hello_us[@]}" | stats)
read -r b_med b_min b_max < <(printf '%s\n' "${bare_us[@]}" | stats)
ratio="$(awk -v a="$h_med" -v b="$b_med" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
jv="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"

echo "| measure | Morgana hello-unix.jar | bare JVM hello | Morgana / bare |"
echo "|---|---:|---:|---:|"
echo "| startup: process start to first stdout line, median of $runs, ms (min–max: $h_min–$h_max vs $b_min–$b_max; JDK $jv, $(nproc) CPUs) | $h_med | $b_med | $ratio |"
