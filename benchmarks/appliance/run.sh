#!/usr/bin/env bash
# Issue 16 benchmark: the static-website appliance (appliance/build static-website: Debian's
# kernel, an initramfs whose /init is Morgana) against a minimal Debian + nginx VM serving the same
# site files, both booted with the same Debian kernel under the same QEMU options as appliance/boot
# (-m MEMORY -smp 1 -nographic -no-reboot, a virtio NIC on -netdev user,net=192.0.2.0/24,
# restrict=on with 127.0.0.1:PORT forwarded to the guest's port 80, a virtio disk with
# snapshot=on; KVM when /dev/kvm works, TCG otherwise). It prints two markdown tables:
#
#   sizes   kernel, initramfs/initrd, what the initramfs or the root file system holds, against
#           MirageOS's published unikernel images (0.17-3.3 MB, the figure the issue quotes)
#   boot    QEMU start to the first HTTP 200 of / through the forwarded port (curl polling every
#           POLL seconds), RUNS rounds, the two VMs interleaved (the order alternates each round),
#           median and every run
#
# The Debian VM (cached in benchmarks/appliance/target/debian-nginx/, rebuilt only when missing):
# debootstrap --variant=minbase bookworm from the mirror apt uses, plus sysvinit-core (init),
# ifupdown + isc-dhcp-client (eth0 by DHCP from QEMU's server) and nginx-light; the site files of
# examples/static-website/site in /var/www/html. It becomes an ext4 image with mkfs.ext4 -d (no
# loop mount) and boots with Debian's own initrd from /boot (it loads virtio_blk, ext4 and
# virtio_net), root=/dev/vda rw net.ifnames=0.
#
# Needs root (debootstrap's chroot), debootstrap, e2fsprogs, qemu-system-x86, curl,
# linux-image-amd64 (/boot/vmlinuz-* and /boot/initrd.img-*), and for the appliance what
# appliance/build needs; it runs appliance/build static-website and examples/static-website/
# site-image when their outputs are missing (the jar: mvn -o -q install -DskipTests -pl
# examples/static-website -am).
#
# Knobs (environment): RUNS (3), PORT (18080; the Debian VM uses PORT+1), MEMORY (512, MiB),
# TIMEOUT (600 s per boot), POLL (0.2 s), MIRROR (the first deb URI of /etc/apt/sources.list*).
# Console logs of each boot: benchmarks/appliance/target/logs/.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-3}"
PORT="${PORT:-18080}"
MEMORY="${MEMORY:-512}"
TIMEOUT="${TIMEOUT:-600}"
POLL="${POLL:-0.2}"

out="$here/target"
logs="$out/logs"
debian="$out/debian-nginx"
appliance="$root/appliance/target/static-website"
site="$root/examples/static-website/site"
site_img="$root/examples/static-website/target/site.img"

if [ "$(id -u)" != 0 ]; then
  echo "run as root: debootstrap needs a chroot" >&2
  exit 1
fi
for tool in debootstrap mkfs.ext4 dumpe2fs qemu-system-x86_64 curl cpio; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install debootstrap e2fsprogs qemu-system-x86 curl cpio)" >&2; exit 1; }
done
vmlinuz="$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)"
[ -f "$vmlinuz" ] || { echo "no /boot/vmlinuz-*: apt-get install linux-image-amd64" >&2; exit 1; }
release="${vmlinuz##*/vmlinuz-}"
initrd="/boot/initrd.img-$release"
[ -f "$initrd" ] || { echo "no $initrd: apt-get install linux-image-amd64 (initramfs-tools makes it)" >&2; exit 1; }
mkdir -p "$out" "$logs"

# --- the Morgana appliance -------------------------------------------------------------------
[ -f "$site_img" ] || "$root/examples/static-website/site-image" >/dev/null
[ -f "$appliance/initramfs.img" ] || "$root/appliance/build" static-website >&2

# --- the Debian + nginx VM -------------------------------------------------------------------
mirror="${MIRROR:-$(sed -n 's/^URIs: *//p; s/^deb  *\(\[[^]]*\] *\)\{0,1\}\(http[^ ]*\).*/\2/p' \
  /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
  | grep -v security | head -1 || true)}"
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list*; set MIRROR" >&2; exit 1; }
if [ ! -f "$debian/.complete" ]; then
  if [ ! -f "$debian/.debootstrapped" ]; then
    rm -rf "$debian"
    echo "debootstrap bookworm from $mirror into $debian (minutes)" >&2
    debootstrap --variant=minbase --include=sysvinit-core,ifupdown,isc-dhcp-client,nginx-light \
      bookworm "$debian" "$mirror" > "$out/debootstrap.log" 2>&1 \
      || { echo "debootstrap failed, see $out/debootstrap.log" >&2; exit 1; }
    touch "$debian/.debootstrapped"
  fi
  printf '/dev/vda / ext4 defaults 0 0\n' > "$debian/etc/fstab"
  printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' > "$debian/etc/network/interfaces"
  echo debian-nginx > "$debian/etc/hostname"
  rm -rf "$debian/var/www/html" && mkdir -p "$debian/var/www/html"
  cp -r "$site/." "$debian/var/www/html/"
  # what debootstrap downloaded is not part of a running system
  rm -rf "$debian/var/cache/apt/archives/"*.deb "$debian/var/lib/apt/lists/"*_Packages
  touch "$debian/.complete"
fi
debian_img="$out/debian-nginx.img"
if [ ! -f "$debian_img" ] || [ "$debian/.complete" -nt "$debian_img" ]; then
  used_kib="$(du -sk "$debian" | cut -f1)"
  rm -f "$debian_img"
  # 50% headroom for the ext4 metadata and the boot's writes (the disk is snapshot=on anyway)
  mkfs.ext4 -q -F -L debian-nginx -d "$debian" "$debian_img" "$((used_kib * 3 / 2 / 1024 + 16))M"
fi

accel=(-accel tcg)
accel_name="TCG (no usable /dev/kvm)"
if [ -w /dev/kvm ] && [ -r /dev/kvm ]; then accel=(-accel kvm -cpu host); accel_name=KVM; fi

# --- boots -----------------------------------------------------------------------------------
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# boot_morgana PORT / boot_debian PORT: start the VM in the background, its console in $log
boot_morgana() {
  "$root/appliance/boot" static-website --port="$1" --memory="$MEMORY" < /dev/null > "$log" 2>&1 &
  pid=$!
}
boot_debian() {
  qemu-system-x86_64 "${accel[@]}" -m "$MEMORY" -smp 1 -nographic -no-reboot \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 loglevel=4 root=/dev/vda rw net.ifnames=0" \
    -netdev "user,id=net0,net=192.0.2.0/24,restrict=on,hostfwd=tcp:127.0.0.1:$1-:80" \
    -device virtio-net-pci,netdev=net0 \
    -drive "file=$debian_img,if=virtio,format=raw,snapshot=on" < /dev/null > "$log" 2>&1 &
  pid=$!
}

# time_boot NAME PORT: ms from starting QEMU to the first HTTP 200 of /, appended to NAME_ms
time_boot() {
  local name="$1" port="$2" start code elapsed
  log="$logs/$name-$round.log"
  start="$(now_ms)"
  "boot_$name" "$port"
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" || true)"
    elapsed=$(( $(now_ms) - start ))
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name VM exited before serving / (round $round); console: $log" >&2; exit 1
    fi
    if [ "$elapsed" -gt $((TIMEOUT * 1000)) ]; then
      echo "$name VM: no HTTP 200 within $TIMEOUT s (round $round); console: $log" >&2; exit 1
    fi
    sleep "$POLL"
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  eval "${name}_ms+=($elapsed)"
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}'; }

morgana_ms=() debian_ms=()
loads=("$(cut -d' ' -f1 /proc/loadavg)")
for round in $(seq 1 "$RUNS"); do
  if [ $((round % 2)) -eq 1 ]; then
    time_boot morgana "$PORT"
    time_boot debian "$((PORT + 1))"
  else
    time_boot debian "$((PORT + 1))"
    time_boot morgana "$PORT"
  fi
  echo "round $round: morgana ${morgana_ms[-1]} ms, debian ${debian_ms[-1]} ms" >&2
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done

# --- sizes -----------------------------------------------------------------------------------
bytes() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1000000}'; }
dir_bytes() { du -sb "$1" | cut -f1; }
ext4_used() {
  dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Block count/ {n=$2} /^Free blocks/ {f=$2} /^Block size/ {s=$2}
    END {print (n - f) * s}'
}
k_bytes="$(bytes "$appliance/vmlinuz")"
a_initramfs="$(bytes "$appliance/initramfs.img")"
a_root="$(dir_bytes "$appliance/root")"
a_jre="$(dir_bytes "$appliance/root/jre")"
a_jar="$(bytes "$appliance/root/app.jar")"
site_bytes="$(bytes "$site_img")"
d_kernel="$(bytes "$vmlinuz")"
d_initrd="$(bytes "$initrd")"
d_root="$(dir_bytes "$debian")"
d_used="$(ext4_used "$debian_img")"
d_img="$(bytes "$debian_img")"
d_nginx="$(du -sbc "$debian"/usr/sbin/nginx "$debian"/usr/share/nginx "$debian"/etc/nginx 2>/dev/null | tail -1 | cut -f1)"

cat <<EOF
$(date -u '+%Y-%m-%d %H:%M UTC'), $accel_name, -m $MEMORY -smp 1, kernel $release, RUNS=$RUNS;
load average (1 min) at the start and after each round: ${loads[*]}

| part | Morgana appliance | Debian + nginx VM | MirageOS (published) |
|---|---:|---:|---:|
| kernel (vmlinuz) | $(mb "$k_bytes") MB | $(mb "$d_kernel") MB (the same file) | — (one image: 0.17–3.3 MB) |
| initramfs / initrd (compressed) | $(mb "$a_initramfs") MB | $(mb "$d_initrd") MB (Debian's initrd from /boot) | — |
| root file system, unpacked | $(mb "$a_root") MB (the initramfs: everything) | $(mb "$d_root") MB (du of the tree); ext4 used $(mb "$d_used") MB of a $(mb "$d_img") MB image | — |
| of which the runtime | jre $(mb "$a_jre") MB + app.jar $(mb "$a_jar") MB | nginx $(mb "$d_nginx") MB (binary, /etc/nginx, /usr/share/nginx) | — |
| site files | FAT disk image $(mb "$site_bytes") MB | in the root file system | (in the image) |
| to boot | $(mb $((k_bytes + a_initramfs))) MB (vmlinuz + initramfs) + the site disk | $(mb $((d_kernel + d_initrd + d_used))) MB (vmlinuz + initrd + ext4 used) | 0.17–3.3 MB |

| QEMU start → first HTTP 200 of / | median, ms | runs, ms |
|---|---:|---|
| Morgana appliance | $(echo "${morgana_ms[*]}" | median) | ${morgana_ms[*]} |
| Debian + nginx (sysvinit, ifupdown + dhclient) | $(echo "${debian_ms[*]}" | median) | ${debian_ms[*]} |
EOF
