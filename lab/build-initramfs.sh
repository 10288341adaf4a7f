#!/usr/bin/env bash
# build-initramfs.sh -- build the kernel + initramfs of the hostp2pd Wi-Fi
# Direct lab (qemu + mac80211_hwsim + the distribution's wpa_supplicant).
#
# Usage: lab/build-initramfs.sh [-o BUILDDIR] [-k KVER] [-f] [-q]
#   -o BUILDDIR   build directory (default: lab/.build, or $LAB_BUILD)
#   -k KVER       kernel version (default: newest /boot/vmlinuz-*, or $LAB_KVER)
#   -f            rebuild even if the cached image matches its inputs
#   -q            quiet: only errors
#
# Output (all under BUILDDIR/image/): vmlinuz, initrd.gz, build-info.txt,
# inputs.txt (what the cache key was computed from) and inputs.sha256.
# The image is rebuilt only when the hash of its inputs changes: kernel
# version and vmlinuz, package versions, the host binaries and libraries
# copied into the image, lib/init, lib/lab.sh and this script.
#
# Root is NOT needed when the packages are installed: no mknod is used; the
# /dev/console and /dev/null nodes come from a tiny hand-written newc cpio
# archive appended to the main one.  Missing packages are installed with
# apt-get only when running as root; otherwise the script fails and lists
# them.  Per-boot files (scenarios, the daemon, the phone simulator) are NOT
# part of the image: run-vm.sh appends them as an overlay archive.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKGS=(qemu-system-x86 linux-image-amd64 wpasupplicant hostapd iw iproute2 busybox-static kmod cpio dbus-daemon dbus-bin)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
BUILD=${LAB_BUILD:-$HERE/.build} KVER=${LAB_KVER:-} FORCE=0 QUIET=0
while getopts "o:k:fqh" opt; do
	case $opt in
	o) BUILD=$OPTARG ;;
	k) KVER=$OPTARG ;;
	f) FORCE=1 ;;
	q) QUIET=1 ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
log() { [ $QUIET = 1 ] || echo "build-initramfs: $*" >&2; }
die() { echo "build-initramfs: ERROR: $*" >&2; exit 1; }
T0=$(date +%s.%N)
export PATH=$PATH:/usr/sbin:/sbin

# --- 1. host packages ----------------------------------------------------------
missing=()
if command -v dpkg-query >/dev/null; then
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
else
	for b in qemu-system-x86_64 wpa_supplicant hostapd iw ip busybox kmod cpio dbus-daemon dbus-send; do
		command -v "$b" >/dev/null || missing+=("$b")
	done
fi
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "missing packages: ${missing[*]}
  install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
	fi
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# --- 2. inputs and the cache key -----------------------------------------------
if [ -z "$KVER" ]; then
	KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n1)
fi
VMLINUZ=/boot/vmlinuz-$KVER
M=/lib/modules/$KVER
[ -n "$KVER" ] && [ -f "$VMLINUZ" ] && [ -d "$M" ] || die "kernel '$KVER' not found in /boot and /lib/modules (install linux-image-amd64)"
[ -r "$VMLINUZ" ] || die "$VMLINUZ is not readable by $(id -un) (some distributions install it mode 0600):
  run this script once as root, or: sudo chmod 0644 $VMLINUZ"

# Host binaries copied into the image (absolute paths).
BUSYBOX=$(command -v busybox || echo /bin/busybox)
BINS=()
for b in wpa_supplicant wpa_cli hostapd hostapd_cli iw ip kmod dbus-daemon dbus-send; do
	p=$(command -v "$b") || die "$b not found in PATH"
	BINS+=("$(readlink -f "$p"):/sbin/$b")
done
# libraries (and the dynamic loader) those binaries need
libs_of() { ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true; }
LIBS=()
for e in "${BINS[@]}"; do
	for l in $(libs_of "${e%%:*}"); do LIBS+=("$l"); done
done
mapfile -t LIBS < <(printf '%s\n' ${LIBS[@]+"${LIBS[@]}"} | sort -u)

# wpa_supplicant's system-bus policy: the file the installed package ships
# (Debian: /etc/dbus-1/system.d/wpa_supplicant.conf; others /usr/share/dbus-1/system.d/)
WPAS_POLICY=
if command -v dpkg >/dev/null; then
	WPAS_POLICY=$(dpkg -L wpasupplicant 2>/dev/null | grep -E '/dbus-1/system\.d/.*\.conf$' | head -n1 || true)
fi
for f in /etc/dbus-1/system.d/wpa_supplicant.conf /usr/share/dbus-1/system.d/wpa_supplicant.conf; do
	[ -n "$WPAS_POLICY" ] || { [ -f "$f" ] && WPAS_POLICY=$f; }
done
[ -n "$WPAS_POLICY" ] && [ -f "$WPAS_POLICY" ] || die "wpa_supplicant's D-Bus policy file not found (dpkg -L wpasupplicant)"

OUT=$BUILD/image
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
{
	echo "kernel=$KVER"
	if command -v dpkg-query >/dev/null; then
		for p in linux-image-$KVER wpasupplicant hostapd iw iproute2 busybox-static kmod libc6 libnl-3-200 libssl3 libpcsclite1 libdbus-1-3 dbus-daemon dbus-bin; do
			echo "pkg $p=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none)"
		done
	fi
	sha256sum "$VMLINUZ" "$BUSYBOX" "${BINS[@]%%:*}" "${LIBS[@]}" \
		"$WPAS_POLICY" "$HERE/lib/dbus-system.conf" \
		"$HERE/lib/init" "$HERE/lib/lab.sh" "$HERE/build-initramfs.sh" | sed "s|$HERE/|lab/|; s/^/sha256 /"
	# the module subset: names and sizes are enough (the package version covers content)
	(cd "$M" && find kernel/crypto kernel/lib/crypto kernel/arch/x86/crypto kernel/net/wireless \
		kernel/net/mac80211 kernel/net/rfkill kernel/drivers/net/wireless kernel/drivers/virtio \
		-name '*.ko*' -printf '%p %s\n' 2>/dev/null || true) | LC_ALL=C sort | sha256sum | sed 's/^/modules /'
} >"$OUT/inputs.txt.new"
KEY=$(sha256sum <"$OUT/inputs.txt.new" | cut -c1-16)
if [ $FORCE = 0 ] && [ -f "$OUT/initrd.gz" ] && [ -f "$OUT/vmlinuz" ] &&
	[ "$(cat "$OUT/inputs.sha256" 2>/dev/null)" = "$KEY" ]; then
	rm -f "$OUT/inputs.txt.new"
	log "cached image $KEY is up to date ($OUT)"
	exit 0
fi
log "building image $KEY for kernel $KVER"

# --- 3. staging root -------------------------------------------------------------
TMPD=$BUILD/tmp
mkdir -p "$TMPD"
ROOT=$(mktemp -d "$TMPD/root.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib,lib64,etc,proc,sys,dev,tmp,run,var/lib,root,lab,scenarios}
ln -s ../run "$ROOT/var/run"
echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
echo "root:x:0:" >"$ROOT/etc/group"
echo "127.0.0.1 localhost lab" >"$ROOT/etc/hosts"

copy_lib() {
	[ -e "$ROOT$1" ] && return 0
	mkdir -p "$ROOT$(dirname "$1")"
	cp -L "$1" "$ROOT$1"
}
# busybox: the shell and most tools (udhcpc/udhcpd, ping, timeout, ...).  The
# applets replaced by real tools are skipped: busybox's ip has no netns, its
# modprobe does not cope with the Debian module tree.
cp "$BUSYBOX" "$ROOT/bin/busybox"
for app in $("$BUSYBOX" --list); do
	case $app in
	busybox|modprobe|insmod|rmmod|lsmod|modinfo|depmod|ip) continue ;;
	esac
	ln -s busybox "$ROOT/bin/$app"
done
for e in "${BINS[@]}"; do cp -L "${e%%:*}" "$ROOT${e#*:}"; done
for l in "${LIBS[@]}"; do copy_lib "$l"; done
for t in modprobe insmod rmmod lsmod modinfo depmod; do ln -s kmod "$ROOT/sbin/$t"; done

# --- 4. kernel modules: cfg80211/mac80211/hwsim, rfkill, crypto -------------------
mkdir -p "$ROOT$M"
for d in kernel/crypto kernel/lib/crypto kernel/arch/x86/crypto kernel/net/wireless \
	kernel/net/mac80211 kernel/net/rfkill kernel/drivers/virtio; do
	[ -d "$M/$d" ] && (cd "$M" && cp -a --parents "$d" "$ROOT$M/")
done
hwsim=$(cd "$M" && find kernel -name 'mac80211_hwsim.ko*' | head -n1)
[ -n "$hwsim" ] || die "mac80211_hwsim not found in $M"
(cd "$M" && cp -a --parents "$hwsim" "$ROOT$M/")
cp -a "$M"/modules.builtin* "$M"/modules.order "$ROOT$M/"
depmod -b "$ROOT" "$KVER"

# --- 5. init and helpers -----------------------------------------------------------
install -m 755 "$HERE/lib/init" "$ROOT/init"
install -m 644 "$HERE/lib/lab.sh" "$ROOT/lab/lib.sh"
# the system bus (started only by scenarios that ask for it: lab.sh bus_up)
install -D -m 644 "$HERE/lib/dbus-system.conf" "$ROOT/lab/dbus-system.conf"
install -D -m 644 "$WPAS_POLICY" "$ROOT$WPAS_POLICY"
mkdir -p "$ROOT/usr/share/dbus-1/system.d" "$ROOT/etc/dbus-1/system.d"
echo "netdev:x:108:" >>"$ROOT/etc/group"
# dbus-daemon wants a machine id; a fixed one (the VM is always the same machine)
echo 6c61622d766d2d686f73747032706430 >"$ROOT/etc/machine-id"

# --- 6. pack: main archive + a hand-made archive with the device nodes ---------------
# newc_entry NAME MODE(octal) INO [RDEVMAJOR RDEVMINOR]: one cpio "newc"
# header + name (no data), padded to 4 bytes.  No root and no mknod needed.
newc_entry() {
	local name=$1 mode=$2 ino=$3 maj=${4:-0} min=${5:-0} nlink=1 ns pad
	[ $((mode & 0170000)) -eq $((0040000)) ] && nlink=2
	ns=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$mode" 0 0 "$nlink" 0 0 0 0 "$maj" "$min" "$ns" 0
	printf '%s\0' "$name"
	pad=$(((4 - (110 + ns) % 4) % 4))
	[ $pad -eq 0 ] || head -c $pad /dev/zero
}
{
	newc_entry dev $((0040755)) 0x70001
	newc_entry dev/console $((0020600)) 0x70002 5 1
	newc_entry dev/null $((0020666)) 0x70003 1 3
	newc_entry 'TRAILER!!!' 0 0
} | gzip -9 >"$TMPD/devnodes.gz"
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -6 >"$TMPD/main.gz"
cat "$TMPD/main.gz" "$TMPD/devnodes.gz" >"$OUT/initrd.gz.tmp"
rm -f "$TMPD/main.gz" "$TMPD/devnodes.gz"
mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"
cp "$VMLINUZ" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
mv "$OUT/inputs.txt.new" "$OUT/inputs.txt"
echo "$KEY" >"$OUT/inputs.sha256"
T1=$(date +%s.%N)
{
	echo "key=$KEY"
	echo "kernel=$KVER"
	echo "wpa_supplicant=$(wpa_supplicant -v 2>/dev/null | sed -n 's/^wpa_supplicant //p')"
	echo "initrd_bytes=$(stat -c %s "$OUT/initrd.gz")"
	echo "root_bytes=$(du -sb "$ROOT" | cut -f1)"
	echo "build_seconds=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')"
	echo "built_by=$(id -un)"
} >"$OUT/build-info.txt"
log "done: $(tr '\n' ' ' <"$OUT/build-info.txt")"
