#!/usr/bin/env bash
# Morgana's `fat` tool against mtools' mcopy on file-backed FAT32 images, in the same run.
# Whole-process timings: every `fat` row includes JVM start-up (see the first row), every mcopy
# row a C process start. `fat` is run through its launcher, fs-fat/fat, as users run it (CDS
# archive, C1 only; see that script). Prints a markdown table. Needs: fs-fat/target/fat.jar
# (build with mvn -B -o -q -pl fs-fat install -DskipTests), mtools, dosfstools, a JDK 25.
# Usage: benchmarks/fat/run.sh [WORKDIR]   (default: a fresh directory under ${TMPDIR:-/tmp});
# FAT_JAVA_OPTS adds JVM options to every fat run (the launcher reads it).
# Before every timed command the script runs `sync` (untimed), so that no tool pays for writing
# back the previous tool's output (10,000 new local files, a 256 MiB file) during its own run.
# Each operation runs twice per tool, in the order mtools, fat, fat, mtools; the table gives the
# best of each tool's two runs and lists all four.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/jdk25.sh"
jar="$root/fs-fat/target/fat.jar"
[ -f "$jar" ] || { echo "missing $jar: run mvn -B -o -q -pl fs-fat install -DskipTests" >&2; exit 2; }
for t in mcopy mkfs.fat fsck.fat; do command -v $t >/dev/null || { echo "missing $t (apt-get install -y mtools dosfstools)" >&2; exit 2; }; done
export MTOOLS_SKIP_CHECK=1 LANG=C.UTF-8 LC_ALL=C.UTF-8
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/fatbench.XXXXXX")}
mkdir -p "$work"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
cd "$work"
launcher="$root/fs-fat/fat"
fat() { "$launcher" "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v m="$1" -v f="$2" 'BEGIN { if (f > 0) printf "%.2f", m / f; else print "n/a" }'; }

# Inputs: a 256 MiB random file, a tree of 100 directories x 100 small files (100 B .. 4 KiB).
if [ ! -f big.bin ]; then head -c $((256 << 20)) /dev/urandom > big.bin; fi
if [ ! -d tree ]; then
  python3 - <<'PY'
import os, random
r = random.Random(1)
for d in range(100):
    p = f"tree/directory {d:03d}"
    os.makedirs(p, exist_ok=True)
    for f in range(100):
        with open(f"{p}/small file {f:03d}.txt", "wb") as fh:
            fh.write(r.randbytes(r.randint(100, 4096)))
PY
fi
sync

fresh() { rm -f "$1"; mkfs.fat -F 32 -C "$1" $((1 << 20)) >/dev/null; }  # 1 GiB sparse FAT32, 4 KiB clusters

# Untimed warm-up: the launcher's first run after a build records its CDS archive (`fat
# selftest`, about a second, once per jar); make that happen here, with a small put and get.
fresh warm.img
fat put warm.img "tree/directory 000" /warm >/dev/null
fat get warm.img "/warm/small file 000.txt" warm.out >/dev/null
rm -f warm.img warm.out

rows=()
# A row: the best of two runs per tool, in the order mtools, fat, fat, mtools (so that neither
# tool always runs first or last on this shared machine); all four runs are listed.
row() { # $1 = label, $2 $3 = mtools runs, $4 $5 = fat runs
  local m f
  m=$(best "$2" "$3"); f=$(best "$4" "$5")
  rows+=("| $1 | $f | $m | $(ratio "$m" "$f") | $4, $5 / $2, $3 |")
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; }
timed() { local t0 t1; sync; t0=$(now); "$@" >/dev/null; t1=$(now); secs "$t0" "$t1"; }  # sync untimed

# JVM start-up + mount + nothing: the fixed cost in every fat row.
fresh jvm.img
m1=$(timed mdir -i jvm.img ::); f1=$(timed fat df jvm.img); f2=$(timed fat df jvm.img); m2=$(timed mdir -i jvm.img ::)
row "start-up: \`fat df\` vs \`mdir\` on an empty image" "$m1" "$m2" "$f1" "$f2"

# 1. sequential write of a 256 MiB file
fresh m.img; m1=$(timed mcopy -i m.img big.bin ::/big.bin)
fresh f.img; f1=$(timed fat put f.img big.bin /big.bin)
fresh f.img; f2=$(timed fat put f.img big.bin /big.bin)
fresh m.img; m2=$(timed mcopy -i m.img big.bin ::/big.bin)
row "write 256 MiB file (\`fat put\` / \`mcopy\`)" "$m1" "$m2" "$f1" "$f2"

# 2. sequential read of the 256 MiB file
rm -f out.m; m1=$(timed mcopy -i m.img ::/big.bin out.m)
rm -f out.f; f1=$(timed fat get f.img /big.bin out.f)
rm -f out.f; f2=$(timed fat get f.img /big.bin out.f)
rm -f out.m; m2=$(timed mcopy -i m.img ::/big.bin out.m)
cmp -s big.bin out.m && cmp -s big.bin out.f || { echo "read-back mismatch" >&2; exit 1; }
row "read 256 MiB file (\`fat get\` / \`mcopy\`)" "$m1" "$m2" "$f1" "$f2"

# 3. 10,000 small files in a tree of 100 directories
fresh mt.img; m1=$(timed mcopy -s -i mt.img tree ::/)
fresh ft.img; f1=$(timed fat put ft.img tree /)
fresh ft.img; f2=$(timed fat put ft.img tree /)
fresh mt.img; m2=$(timed mcopy -s -i mt.img tree ::/)
row "create 10,000 small files in 100 dirs (\`fat put\` / \`mcopy -s\`)" "$m1" "$m2" "$f1" "$f2"

# 4. read the tree back
rm -rf outm; mkdir outm; m1=$(timed mcopy -s -i mt.img ::/tree outm/)
rm -rf outf; mkdir outf; f1=$(timed fat get ft.img /tree outf/)
rm -rf outf; mkdir outf; f2=$(timed fat get ft.img /tree outf/)
rm -rf outm; mkdir outm; m2=$(timed mcopy -s -i mt.img ::/tree outm/)
diff -r tree outm/tree >/dev/null && diff -r tree outf/tree >/dev/null || { echo "tree read-back mismatch" >&2; exit 1; }
row "read 10,000 small files back (\`fat get\` / \`mcopy -s\`)" "$m1" "$m2" "$f1" "$f2"

# Both tools' images pass fsck.fat.
for i in m.img f.img mt.img ft.img; do fsck.fat -n "$i" >/dev/null || { echo "fsck.fat complains about $i" >&2; exit 1; }; done

echo
echo "FAT benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(java -version 2>&1 | head -1), $(mcopy --version | head -1)"
echo "Images: 1 GiB sparse FAT32 files made by mkfs.fat (4 KiB clusters) in $work; page cache warm; sync before each timed run; best of two runs per tool (order: mtools, fat, fat, mtools); load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo
echo "| operation | fat (s) | mtools (s) | mtools / fat (> 1: fat faster) | runs: fat / mtools (s) |"
echo "|---|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Whole-process times: each fat row includes the JVM start-up shown in the first row (fs-fat/fat launcher: CDS archive, C1 only)."
rm -f m.img f.img mt.img ft.img jvm.img out.m out.f; rm -rf outm outf
