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

# Untimed warm-up: the launcher's first run after a build writes the CDS archive (a one-time
# cost per jar, about a second); make that happen here, on a small put and get.
fresh warm.img
fat put warm.img "tree/directory 000" /warm >/dev/null
fat get warm.img "/warm/small file 000.txt" warm.out >/dev/null
rm -f warm.img warm.out

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

# JVM start-up + mount + nothing: the fixed cost in every fat row.
fresh jvm.img
sync; t0=$(now); fat df jvm.img >/dev/null; t1=$(now)
sync; t2=$(now); mdir -i jvm.img :: >/dev/null; t3=$(now)
row "start-up: \`fat df\` vs \`mdir\` on an empty image" "$(secs $t0 $t1)" "$(secs $t2 $t3)" "$(ratio $(secs $t2 $t3) $(secs $t0 $t1))"

# 1. sequential write of a 256 MiB file
fresh m.img; fresh f.img
sync; t0=$(now); mcopy -i m.img big.bin ::/big.bin; t1=$(now)
sync; t2=$(now); fat put f.img big.bin /big.bin; t3=$(now)
m=$(secs $t0 $t1); f=$(secs $t2 $t3)
row "write 256 MiB file (\`fat put\` / \`mcopy\`)" "$f" "$m" "$(ratio $m $f)"

# 2. sequential read of the 256 MiB file
rm -f out.m out.f
sync; t0=$(now); mcopy -i m.img ::/big.bin out.m; t1=$(now)
sync; t2=$(now); fat get f.img /big.bin out.f; t3=$(now)
cmp -s big.bin out.m && cmp -s big.bin out.f || { echo "read-back mismatch" >&2; exit 1; }
m=$(secs $t0 $t1); f=$(secs $t2 $t3)
row "read 256 MiB file (\`fat get\` / \`mcopy\`)" "$f" "$m" "$(ratio $m $f)"

# 3. 10,000 small files in a tree of 100 directories
fresh mt.img; fresh ft.img
sync; t0=$(now); mcopy -s -i mt.img tree ::/; t1=$(now)
sync; t2=$(now); fat put ft.img tree /; t3=$(now)
m=$(secs $t0 $t1); f=$(secs $t2 $t3)
row "create 10,000 small files in 100 dirs (\`fat put\` / \`mcopy -s\`)" "$f" "$m" "$(ratio $m $f)"

# 4. read the tree back
rm -rf outm outf; mkdir outm outf
sync; t0=$(now); mcopy -s -i mt.img ::/tree outm/; t1=$(now)
sync; t2=$(now); fat get ft.img /tree outf/; t3=$(now)
diff -r tree outm/tree >/dev/null && diff -r tree outf/tree >/dev/null || { echo "tree read-back mismatch" >&2; exit 1; }
m=$(secs $t0 $t1); f=$(secs $t2 $t3)
row "read 10,000 small files back (\`fat get\` / \`mcopy -s\`)" "$f" "$m" "$(ratio $m $f)"

# Both tools' images pass fsck.fat.
for i in m.img f.img mt.img ft.img; do fsck.fat -n "$i" >/dev/null || { echo "fsck.fat complains about $i" >&2; exit 1; }; done

echo
echo "FAT benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(java -version 2>&1 | head -1), $(mcopy --version | head -1)"
echo "Images: 1 GiB sparse FAT32 files made by mkfs.fat (4 KiB clusters) in $work; page cache warm; sync before each timed run; one run each; load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo
echo "| operation | fat (s) | mtools (s) | mtools / fat (> 1: fat faster) |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Whole-process times: each fat row includes the JVM start-up shown in the first row (fs-fat/fat launcher: CDS archive, C1 only)."
rm -f m.img f.img mt.img ft.img jvm.img out.m out.f; rm -rf outm outf
