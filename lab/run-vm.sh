#!/usr/bin/env bash
# run-vm.sh -- boot the lab VM and run one or more scenarios in it.
#
# Usage: lab/run-vm.sh [options] [-s SCENARIO]...
#   -s FILE        scenario to run (repeatable; run in the given order in ONE
#                  boot, each in a freshly reset radio world)
#   -a SRC[:DST]   add a file for this boot (default DST /usr/local/bin/<name>);
#                  repeatable.  Every file in BUILDDIR/bin/ (hostp2pd, phone)
#                  is added at /usr/local/bin/ automatically.
#   -o BUILDDIR    build directory (default lab/.build or $LAB_BUILD)
#   -n NAME        run name: files go to BUILDDIR/runs/NAME/ (default: the
#                  scenario names joined with '+')
#   -r N           default number of hwsim radios (scenario header
#                  "# lab-radios: N" wins; default 2)
#   -t SECONDS     default per-scenario timeout ("# lab-timeout: S" wins; 150)
#   -m MB          guest memory (default 1024)
#   -c CPUS        guest vCPUs (default 1)
#   -k ACCEL       tcg (default) or kvm.  TCG on purpose: some hosts expose a
#                  /dev/kvm that cannot run a stock kernel (kvm-pvm hangs).
#   -A ARGS        extra kernel command line (e.g. lab.shell=1, lab.args=a,b)
#   -l FILE        also copy the serial log to FILE
#
# The image (BUILDDIR/image, from build-initramfs.sh) is not modified: the
# scenarios and files are packed into an overlay cpio that is appended to a
# per-run copy of initrd.gz.  Everything this script writes stays under
# BUILDDIR/runs/NAME/ (overlay, initrd, serial.log).  The serial console is
# streamed to stdout.
#
# Exit status: the "LAB-RESULT: rc=N" value printed by the VM's /init (0 when
# every scenario returned 0), or 125 if it is missing (crash, timeout, no qemu).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
BUILD=${LAB_BUILD:-$HERE/.build} NAME="" RADIOS=2 TMO=150 MEM=1024 CPUS=1
ACCEL=${LAB_ACCEL:-tcg} APPEND="" LOGF=""
SCEN=() EXTRA=()
while getopts "s:a:o:n:r:t:m:c:k:A:l:h" opt; do
	case $opt in
	s) SCEN+=("$OPTARG") ;;
	a) EXTRA+=("$OPTARG") ;;
	o) BUILD=$OPTARG ;;
	n) NAME=$OPTARG ;;
	r) RADIOS=$OPTARG ;;
	t) TMO=$OPTARG ;;
	m) MEM=$OPTARG ;;
	c) CPUS=$OPTARG ;;
	k) ACCEL=$OPTARG ;;
	A) APPEND=$OPTARG ;;
	l) LOGF=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
die() { echo "run-vm: $*" >&2; exit 125; }
IMG=$BUILD/image
[ -f "$IMG/vmlinuz" ] && [ -f "$IMG/initrd.gz" ] || die "no image in $IMG (run lab/build-initramfs.sh first)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
if [ "$ACCEL" = kvm ] && [ ! -w /dev/kvm ]; then die "-k kvm: /dev/kvm is not usable"; fi

if [ -z "$NAME" ]; then
	NAME=$(for s in ${SCEN[@]+"${SCEN[@]}"}; do basename "$s" .sh; done | paste -sd+ -)
	NAME=${NAME:-empty}
	[ ${#NAME} -le 80 ] || NAME=$(echo "$NAME" | cut -c1-60)-$(echo "$NAME" | cksum | cut -d' ' -f1)
fi
RUN=$BUILD/runs/$NAME
rm -rf "$RUN"
mkdir -p "$RUN/ov/scenarios" "$RUN/ov/usr/local/bin"

# --- overlay: scenarios (+ order), BUILDDIR/bin/*, -a files ---------------------
total=60
: >"$RUN/ov/scenarios/order"
for s in ${SCEN[@]+"${SCEN[@]}"}; do
	[ -f "$s" ] || die "scenario $s not found"
	b=$(basename "$s")
	install -m 755 "$s" "$RUN/ov/scenarios/$b"
	echo "$b" >>"$RUN/ov/scenarios/order"
	t=$(sed -n 's/^# lab-timeout: *\([0-9]*\).*/\1/p' "$s" | head -n1)
	total=$((total + ${t:-$TMO} + 20))
done
if [ -d "$BUILD/bin" ]; then
	for f in "$BUILD"/bin/*; do [ -f "$f" ] && cp "$f" "$RUN/ov/usr/local/bin/"; done
fi
for e in ${EXTRA[@]+"${EXTRA[@]}"}; do
	src=${e%%:*} dst=/usr/local/bin/$(basename "${e%%:*}")
	[ "$e" != "$src" ] && dst=${e#*:}
	[ -e "$src" ] || die "file $src not found"
	mkdir -p "$RUN/ov$(dirname "$dst")"
	cp -a "$src" "$RUN/ov$dst"
done
(cd "$RUN/ov" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$RUN/overlay.gz"
cat "$IMG/initrd.gz" "$RUN/overlay.gz" >"$RUN/initrd.gz"
rm -rf "$RUN/ov" "$RUN/overlay.gz"

# --- boot ------------------------------------------------------------------------------
T0=$(date +%s.%N)
echo "run-vm: booting ($ACCEL, $CPUS vCPU, ${MEM} MB) run=$NAME, VM timeout ${total}s" >&2
set +e
timeout --foreground -k 5 "$total" \
	qemu-system-x86_64 -accel "$ACCEL" -m "$MEM" -smp "$CPUS" \
	-kernel "$IMG/vmlinuz" -initrd "$RUN/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 lab.radios=$RADIOS lab.timeout=$TMO $APPEND" \
	-display none -serial stdio -monitor none -nic none -no-reboot \
	</dev/null 2>&1 | sed -u 's/\r$//' | tee "$RUN/serial.log"
set -e
T1=$(date +%s.%N)
rm -f "$RUN/initrd.gz"
[ -z "$LOGF" ] || cp "$RUN/serial.log" "$LOGF"
rc=$(sed -n 's/^LAB-RESULT: rc=\([0-9]*\).*/\1/p' "$RUN/serial.log" | tail -n1)
echo "run-vm: wall $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')s, accel=$ACCEL, result rc=${rc:-none (VM died or timed out)}, log $RUN/serial.log" >&2
exit "${rc:-125}"
