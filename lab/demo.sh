#!/usr/bin/env bash
# demo.sh -- what `make demo` runs: build everything, boot the virtual Wi-Fi
# lab, run hostp2pd as the group owner and let one simulated phone join with
# push button, get an address by DHCP and ping the GO.  Prints a short story;
# the full serial log is saved to lab/.build/demo.log.
#
# Usage: lab/demo.sh [--oracle] [-k tcg|kvm]
#   --oracle   no daemon: the GO side is scripted (shows the lab on its own)
#   -k ACCEL   qemu accelerator (default tcg; kvm only on a real KVM host)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${LAB_BUILD:-$HERE/.build}
ORACLE=0 ACCEL=${LAB_ACCEL:-tcg}
while [ $# -gt 0 ]; do
	case $1 in
	--oracle) ORACLE=1 ;;
	-k) ACCEL=$2; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
GO=$(command -v go || echo /usr/local/go/bin/go)
T0=$(date +%s.%N)
el() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%5.1fs", b - a }'; }
say() { echo "[$(el)] $*"; }

say "building the lab image (cached after the first time)"
"$HERE/build-initramfs.sh" -o "$BUILD" -q
mkdir -p "$BUILD/bin"
(cd "$ROOT" && CGO_ENABLED=0 "$GO" build -trimpath -o "$BUILD/bin/phone" ./lab/cmd/phone)
rm -f "$BUILD/bin/hostp2pd"
ARGS=()
if [ $ORACLE = 1 ]; then
	ARGS+=(-A lab.args=oracle)
	say "oracle mode: no daemon, the GO side is scripted"
else
	say "building hostp2pd (CGO_ENABLED=0 go build ./cmd/hostp2pd)"
	if ! (cd "$ROOT" && CGO_ENABLED=0 "$GO" build -trimpath -o "$BUILD/bin/hostp2pd" ./cmd/hostp2pd) 2>"$BUILD/demo-build.err"; then
		say "hostp2pd does not build yet:"
		sed 's/^/    /' "$BUILD/demo-build.err" | head -n 20
		say "run 'lab/demo.sh --oracle' to see the lab without the daemon"
		exit 1
	fi
fi
say "booting the VM (qemu $ACCEL, about 40 s)"
set +e
"$HERE/run-vm.sh" -o "$BUILD" -n demo -k "$ACCEL" ${ARGS[@]+"${ARGS[@]}"} -s "$HERE/scenarios/90-demo.sh" 2>&1 |
	tee "$BUILD/demo.log" |
	while IFS= read -r l; do
		case $l in
		"STORY "*) say "${l#STORY }" ;;
		"CHECK FAIL "*) say "FAILED: ${l#CHECK FAIL }" ;;
		esac
	done
rc=${PIPESTATUS[0]}
set -e
[ $ORACLE = 1 ] || rm -f "$BUILD/bin/hostp2pd"
if [ "$rc" = 0 ]; then
	say "done; full log: $BUILD/demo.log"
else
	say "demo FAILED (rc=$rc); full log: $BUILD/demo.log"
fi
exit "$rc"
