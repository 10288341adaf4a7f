#!/usr/bin/env bash
# bench.sh -- end-to-end performance of hostp2pd in the virtual lab.
#
# Usage: lab/bench.sh [-o BUILDDIR] [-n N] [-c ROUNDS] [-s CASE]... [-j FILE] [-R]
#   -o DIR     lab build dir (default $LAB_BUILD or lab/.build); the image is
#              built there (cached), hostp2pd (stripped, like `make build`)
#              and the phone simulator go to DIR/bin, runs to DIR/runs/bench-*
#   -n N       measured joins per case and run (default $BENCH_N or 20)
#   -c R       rounds per concurrency level (default $BENCH_CONC or 3)
#   -s CASE    run only this case (repeatable): pbc keypad negotiated
#              persistent groupup concurrency moonshot timetoip
#              (= lab/bench/1x-*.sh; moonshot is 15-concurrency.sh again)
#   -j FILE    JSON output (default bench/results/<date>-<gitsha>.json)
#   -R         only re-analyse the serial logs of the last runs (no VM)
#
# Environment:
#   BENCH_GOBENCH=FILE   output of the Go micro-benchmarks (`make bench` tees
#                        it there); without it they are run here, unless
#                        BENCH_SKIP_GO=1
#   BENCH_WAIT_QEMU=0    do not wait for other qemu VMs to finish before each
#                        boot (default: wait up to 10 min; measurements on a
#                        shared 2-core host are worthless otherwise)
#   BENCH_IDLE=S         idle period for the CPU measurement (default 60)
#   BENCH_FREQ=MHz       the GO channel for daemon and oracle alike (2437)
#   BENCH_VCPUS=K        vCPUs of the VM (1, as in the lab; every supplicant,
#                        phone and hostp2pd share them)
#   BENCH_REFLEX=R       joins answered by lab/bench/reflex (the minimal Go
#                        client: reaction-latency floor) in the keypad case (20, as many as
#                        the daemon's joins at the default -n)
#   BENCH_CROWDS="1 3 8 16"  the concurrency levels (phones joining at once)
#                        of the concurrency case, which also measures the
#                        footprint and the idle wake-ups; the VM gets one
#                        radio per phone of the largest + 1
#   BENCH_MOONSHOT="32"  the crowds of the moonshot case: a boot of its own,
#                        so that 32 phone supplicants do not share the vCPU
#                        with the smaller crowds and the idle measurement
#                        (hwsim and the lab give at most 33 radios: 32 phones)
#
# Each case is one VM boot (lab/run-vm.sh) of the scenario lab/bench/1x-*.sh
# with lab/bench/lib.sh installed as /lab/bench-lib.sh; the scenario's
# "# bench-timeout: A B" header becomes "# lab-timeout: A+B*N".  The scenarios
# print BENCH and GOLOG lines; lab/bench/report computes the numbers, prints
# the table and writes the JSON.  See docs/performance.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
BUILD=${LAB_BUILD:-$HERE/.build}
N=${BENCH_N:-20}
CONC=${BENCH_CONC:-3}
IDLE=${BENCH_IDLE:-60}
REFLEX=${BENCH_REFLEX:-20}
VCPUS=${BENCH_VCPUS:-1}
[[ $VCPUS =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_VCPUS must be a positive integer" >&2; exit 2; }
CROWDS=${BENCH_CROWDS:-1 3 8 16}
MOONSHOT=${BENCH_MOONSHOT:-32}
# check_crowds VAR LIST: check LIST; MAXK_VAR and SUMK_VAR get its largest and sum
check_crowds() {
	local k max=0 sum=0
	for k in $2; do
		[[ $k =~ ^[1-9][0-9]*$ ]] && [ "$k" -le 32 ] || { echo "bench: $1: $k is not a crowd size of 1..32" >&2; exit 2; }
		[ "$k" -le $max ] || max=$k
		sum=$((sum + k))
	done
	[ $max -gt 0 ] || { echo "bench: $1 is empty" >&2; exit 2; }
	printf -v "MAXK_$1" %d $max
	printf -v "SUMK_$1" %d $sum
}
check_crowds BENCH_CROWDS "$CROWDS"
check_crowds BENCH_MOONSHOT "$MOONSHOT"
JSON="" REANALYSE=0
CASES=()
while getopts "o:n:c:s:j:Rh" opt; do
	case $opt in
	o) BUILD=$OPTARG ;;
	n) N=$OPTARG ;;
	c) CONC=$OPTARG ;;
	s) CASES+=("$OPTARG") ;;
	j) JSON=$OPTARG ;;
	R) REANALYSE=1 ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench: -n/BENCH_N must be a positive integer" >&2; exit 2; }
[[ $CONC =~ ^[1-9][0-9]*$ ]] || { echo "bench: -c/BENCH_CONC must be a positive integer" >&2; exit 2; }
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
cd "$ROOT"
GO=${GO:-go}

declare -A SCEN=([pbc]=10-join-pbc [keypad]=11-join-keypad [negotiated]=12-join-negotiated
	[persistent]=13-persistent [groupup]=14-group-up [concurrency]=15-concurrency
	[moonshot]=15-concurrency [timetoip]=16-time-to-ip)
ORDER=(pbc keypad negotiated persistent groupup concurrency moonshot timetoip)
[ ${#CASES[@]} -gt 0 ] || CASES=("${ORDER[@]}")
for c in "${CASES[@]}"; do
	[ -n "${SCEN[$c]:-}" ] || { echo "bench: unknown case $c (${ORDER[*]})" >&2; exit 2; }
done

SHA=$(git rev-parse --short=12 HEAD 2>/dev/null || echo nogit)
DIRTY=false
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || DIRTY=true
[ -n "$JSON" ] || JSON=bench/results/$(date -u +%Y%m%d)-$SHA.json
T_START=$(date +%s)
LOAD0=$(cat /proc/loadavg)

# --- Go micro-benchmarks --------------------------------------------------------------
GOBENCH=${BENCH_GOBENCH:-}
if [ -z "$GOBENCH" ] && [ "${BENCH_SKIP_GO:-0}" != 1 ] && [ $REANALYSE = 0 ]; then
	GOBENCH=$BUILD/gobench.txt
	echo "bench: Go micro-benchmarks -> $GOBENCH" >&2
	$GO test -run '^$' -bench . -benchmem ./wpaevent/ ./wpactrl/... ./internal/p2p/ ./internal/daemon/ | tee "$GOBENCH"
fi
[ -n "$GOBENCH" ] || { [ -f "$BUILD/gobench.txt" ] && GOBENCH=$BUILD/gobench.txt; } || true

# --- build: image, daemon (as deployed: stripped), phone ------------------------------
BIN=$BUILD/bin
if [ $REANALYSE = 0 ]; then
	"$HERE/build-initramfs.sh" -o "$BUILD" -q
	mkdir -p "$BIN"
	CGO_ENABLED=0 $GO build -trimpath -ldflags '-s -w' -o "$BIN/hostp2pd" ./cmd/hostp2pd
	CGO_ENABLED=0 $GO build -o "$BIN/phone" ./lab/cmd/phone
	CGO_ENABLED=0 $GO build -trimpath -o "$BUILD/hostp2pd.unstripped" ./cmd/hostp2pd
	# test binaries for the micro-benchmarks inside the VM (group-up case)
	mkdir -p "$BUILD/vmtest"
	CGO_ENABLED=0 $GO build -trimpath -ldflags '-s -w' -o "$BUILD/vmtest/reflex" ./lab/bench/reflex
	for p in wpaevent wpactrl internal/p2p; do
		CGO_ENABLED=0 $GO test -c -o "$BUILD/vmtest/$(basename $p).test" ./$p
	done
fi
SIZE_STRIPPED=$(stat -c %s "$BIN/hostp2pd" 2>/dev/null || echo 0)
SIZE_FULL=$(stat -c %s "$BUILD/hostp2pd.unstripped" 2>/dev/null || echo 0)

# --- wait for a quiet host ------------------------------------------------------------
wait_qemu() {
	[ "${BENCH_WAIT_QEMU:-1}" = 1 ] || return 0
	local i=0 n
	while n=$(pgrep -c qemu-system || true); [ "${n:-0}" != 0 ]; do
		[ $i = 0 ] && echo "bench: waiting for $n other qemu VM(s) to finish" >&2
		i=$((i + 1))
		[ $i -le 120 ] || { echo "bench: other VMs still running after 10 min; going on (numbers may be distorted)" >&2; return 0; }
		sleep 5
	done
}

# --- runs ----------------------------------------------------------------------------------
LOGS=()
SCDIR=$BUILD/bench-scenarios
mkdir -p "$SCDIR"
for c in "${CASES[@]}"; do
	s=${SCEN[$c]}
	log=$BUILD/runs/bench-$c/serial.log
	LOGS+=("$log")
	[ $REANALYSE = 0 ] || continue
	read -r a b < <(sed -n 's/^# bench-timeout: *\([0-9]*\) *\([0-9]*\).*/\1 \2/p' "$HERE/bench/$s.sh")
	to=$((${a:-120} + ${b:-20} * N))
	crowds=$CROWDS idle=$IDLE maxk=$MAXK_BENCH_CROWDS sumk=$SUMK_BENCH_CROWDS
	[ "$c" != moonshot ] || crowds=$MOONSHOT idle=0 maxk=$MAXK_BENCH_MOONSHOT sumk=$SUMK_BENCH_MOONSHOT
	# the concurrency header's B is for the crowds 1+3+8 phones; phones come up in ~5 s each
	[ "${s}" != 15-concurrency ] || to=$((${a:-120} + idle + ${b:-20} * CONC * sumk / 12 + 5 * maxk))
	[ "$c" != keypad ] || to=$((to + ${b:-20} * REFLEX / 2))
	radios=
	[ "${s}" != 15-concurrency ] || radios="s/^# lab-radios: .*/# lab-radios: $((maxk + 1))/;"
	sed "${radios}s/^# lab-timeout: .*/# lab-timeout: $to/" "$HERE/bench/$s.sh" >"$SCDIR/$c.sh"
	wait_qemu
	echo "bench: case $c (N=$N, rounds=$CONC), timeout ${to}s" >&2
	t0=$(date +%s)
	add=(-a "$HERE/bench/lib.sh:/lab/bench-lib.sh")
	if [ "$c" = groupup ]; then
		for t in "$BUILD"/vmtest/*.test; do add+=(-a "$t"); done
	fi
	[ "$c" != keypad ] || add+=(-a "$BUILD/vmtest/reflex")
	set +e
	"$HERE/run-vm.sh" -o "$BUILD" -n "bench-$c" -c "$VCPUS" -s "$SCDIR/$c.sh" "${add[@]}" \
		-A "lab.args=n=$N,conc=$CONC,idle=$idle,reflex=$REFLEX,freq=${BENCH_FREQ:-2437},crowds=$(echo $crowds | tr ' ' :),case=$c" >/dev/null 2>"$BUILD/bench-$c.stderr"
	rc=$?
	set -e
	echo "bench: case $c done in $(($(date +%s) - t0)) s, rc=$rc ($(grep -c '^BENCH ' "$log" 2>/dev/null || echo 0) BENCH lines; $log)" >&2
	grep -E '^CHECK FAIL|timed out' "$log" >&2 || true
done

# --- report ----------------------------------------------------------------------------
mkdir -p "$(dirname "$JSON")"
$GO run ./lab/bench/report \
	-json "$JSON" -n "$N" -conc "$CONC" -git "$SHA" -dirty="$DIRTY" \
	-gobench "${GOBENCH:-}" -size-stripped "$SIZE_STRIPPED" -size-full "$SIZE_FULL" \
	-wall "$(($(date +%s) - T_START))" -idle "$IDLE" -load-start "$LOAD0" -vcpus "$VCPUS" \
	"${LOGS[@]}"
echo "bench: JSON in $JSON" >&2
