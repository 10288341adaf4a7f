# lab/bench/lib.sh -- helpers for the bench scenarios (lab/bench/*.sh), on top
# of /lab/lib.sh.  lab/bench.sh installs this file in the VM as
# /lab/bench-lib.sh; a bench scenario starts with ". /lab/bench-lib.sh".
#
# What differs from the test scenarios:
#   * the GO's wpa_supplicant runs with -dd -t: its /tmp/go.log is a
#     timestamped DEBUG log (wait_ev/go_group still work: events are in it);
#   * the daemon runs as `hostp2pd -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml
#     -b /tmp/hostp2pd.log -v` (one -v: what a user runs, not a debug run);
#   * every measured step is bracketed by a NOTE marker written into the
#     GO's debug log (`wpa_cli note "bench ..."` -> "NOTE: bench ..."), so
#     that the host side can cut the log into iterations and time things
#     with the supplicant's own clock;
#   * results are machine-readable lines on the console:
#       BENCH kind=join case=pbc run=daemon i=3 ok=1 ms=4012 ...
#       BENCH kind=conc phones=3 round=2 ph=1 ok=1 t=... ms=...
#       BENCH kind=mem|cpu ...
#       GOLOG case=pbc <ts> N|E|S|C <fields>   (extract of go.log, bench_golog)
#     lab/bench/report turns them into the table and the JSON.
#
# Parameters come from the kernel command line (lab.args=n=20,conc=5):
#   n=N     measured joins (iterations) per case and run (default 20)
#   conc=R  rounds per concurrency level (default 3)
#   crowds=1:3:8:16   the concurrency levels (phones at once; default 1:3:8:16)
#   reflex=R   joins answered by lab/bench/reflex in the keypad case (20)
#   freq=F     the GO's channel, the same for hostp2pd (group_freq) and the
#              oracle (freq=): the phone's join time depends on it (2437)
. /lab/lib.sh

BENCH_N=20
BENCH_CONC=3
BENCH_CROWDS="1 3 8 16"
BENCH_REFLEX=20
BENCH_FREQ=2437
for a in $LAB_ARGS; do
	case $a in
	n=*) BENCH_N=${a#n=} ;;
	reflex=*) BENCH_REFLEX=${a#reflex=} ;;
	freq=*) BENCH_FREQ=${a#freq=} ;;
	conc=*) BENCH_CONC=${a#conc=} ;;
	crowds=*) BENCH_CROWDS=$(echo "${a#crowds=}" | tr : ' ') ;;
	esac
done
BENCH_CASE=${BENCH_CASE:-$SCEN}
GO_PH=42:00:00:00:01:00       # P2P device address of phone 1

bench() { echo "BENCH $*"; }
# mark TEXT: write "NOTE: bench TEXT" into the GO's debug log
mark() { wpa_cli -p $CTRL -i p2p-dev-wlan0 note "bench $*" >/dev/null 2>&1; }

# bench_go_start: the GO's supplicant with -dd (debug) -t (timestamps)
bench_go_start() {
	WPAS_DEBUG=-dd
	go_start "$@"
	local rc=$?
	WPAS_DEBUG=
	return $rc
}

# bench_daemon_start NAME MODE METHOD [LINE]...: /etc/hostp2pd.yaml from
# daemon_yaml MODE METHOD LINE... "group_freq: $BENCH_FREQ" (lab.sh); starts
# hostp2pd (-v) in the background, DAEMON_PID.  A NOTE "bench daemon-start
# NAME" goes into the GO log right before the exec (group-up time starts there).
bench_daemon_start() {
	local name=$1 mode=$2 method=$3
	[ $# -ge 3 ] || { fail daemon-yaml "usage: bench_daemon_start NAME MODE METHOD [LINE]..."; return 1; }
	shift 3
	daemon_yaml "$mode" "$method" "$@" "group_freq: $BENCH_FREQ" >/etc/hostp2pd.yaml 2>/tmp/daemon-yaml.err ||
		{ fail daemon-yaml "$(cat /tmp/daemon-yaml.err)"; return 1; }
	[ -x /usr/local/bin/hostp2pd ] || { fail daemon-binary "no /usr/local/bin/hostp2pd"; return 1; }
	mark "daemon-start $name"
	/usr/local/bin/hostp2pd -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml -b /tmp/hostp2pd.log -v \
		>>/tmp/hostp2pd.out 2>&1 </dev/null &
	DAEMON_PID=$!
}
# bench_daemon_stop: SIGTERM, wait for the exit, then make sure no group of
# the GO is left over (the next run starts from an idle supplicant)
bench_daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	mark daemon-stop
	kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
	go_remove_groups
}
# go_remove_groups: p2p_group_remove every group of the GO, wait for it
go_remove_groups() {
	local g m i
	for g in $(ls $CTRL | grep '^p2p-wlan0-'); do
		m=$(lines go)
		wcli p2p-dev-wlan0 p2p_group_remove "$g" >/dev/null
		quiet wait_ev go "P2P-GROUP-REMOVED $g" 10 "$m"
	done
	i=0
	while ls $CTRL | grep -q '^p2p-wlan0-' && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	wcli p2p-dev-wlan0 p2p_stop_find >/dev/null
}

# bench_join CASE RUN I PHONE-JOIN-ARGS...: one measured join of phone 1
bench_join() {
	local c=$1 r=$2 i=$3 rc; shift 3
	mark "join case=$c run=$r i=$i"
	ph 1 join --timeout 60s "$@"
	rc=$?
	bench "kind=join case=$c run=$r i=$i ok=$((rc == 0)) ms=$(pf ms) mode=$(pf mode) freq=$(pf freq)"
	return $rc
}

# bench_joins CASE RUN N ARM JOIN-ARGS...: N measured joins of phone 1
# (bench_join CASE RUN I JOIN-ARGS, I = 1..N), each one that succeeds
# followed by bench_leave, 0.3 s apart; ARM, when not "", is eval'ed before
# each join (the oracle arming WPS itself: 'wcli_ok $GIF wps_pbc')
bench_joins() {
	local c=$1 r=$2 n=$3 arm=$4 i=1
	shift 4
	while [ $i -le $n ]; do
		[ -z "$arm" ] || eval "$arm"
		bench_join $c $r $i "$@" && bench_leave
		sleep 0.3
		i=$((i + 1))
	done
}

# bench_warmup CASE RUN JOIN-ARGS...: one join of phone 1 recorded as run
# warmup-RUN, before RUN's measured joins, answered by whoever answers them:
# its reaction is in the samples but not in the figures. The first join
# into a group makes the GO's wpa_supplicant do more work between the
# provision discovery and our command (33 debug lines instead of 10, 18 ms
# of its own work against ~6) and each client's first event runs its code
# cold; the daemon's i=1, the first join into its fresh group, was the p99
# of every result before 2026-12-03, while the reflex client always joins a
# group the oracle had used (docs/performance.md, "Reaction tail").
bench_warmup() {
	local c=$1 r=$2
	shift 2
	bench_join $c warmup-$r 1 "$@" && bench_leave
	sleep 0.3
}

# bench_oracle_group [GROUP-ADD-ARGS]...: the ORACLE's group: wpa_cli
# p2p_group_add ARGS freq=$BENCH_FREQ, need oracle-group-started (GIF ...)
bench_oracle_group() {
	local m
	m=$(lines go)
	wcli_ok p2p-dev-wlan0 p2p_group_add "$@" freq=$BENCH_FREQ
	need oracle-group-started go_group 30 $m
}

# bench_leave: phone 1 leaves; waits until the GO saw it go
bench_leave() {
	local m
	m=$(lines go)
	ph 1 leave || return 1
	quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=$GO_PH" 5 "$m"
}

# gcstat: the daemon's last garbage collection as the Go runtime reports it
# with GODEBUG=gctrace=1 (its stderr is /tmp/hostp2pd.out), in whole MB:
# "gcs=N heap_live_mb=.. heap_goal_mb=.. stacks_mb=.. globals_mb=.."
gcstat() {
	grep '^gc [0-9]' /tmp/hostp2pd.out 2>/dev/null | tail -n1 |
		sed -n 's/^gc \([0-9]*\) .* [0-9]*->[0-9]*->\([0-9]*\) MB, \([0-9]*\) MB goal, \([0-9]*\) MB stacks, \([0-9]*\) MB globals.*/gcs=\1 heap_live_mb=\2 heap_goal_mb=\3 stacks_mb=\4 globals_mb=\5/p'
}
# pstat PID: "rss_kb=.. hwm_kb=.. rssanon_kb=.. rssfile_kb=.. rssshmem_kb=.. threads=.. rss_smaps_kb=.. utime=.. stime=.. wakeups=.."
# (rssanon: heap, stacks, runtime; rssfile: the binary's pages in memory,
# rssshmem instead when it runs from the initramfs, as in the lab;
# rss_smaps: Rss of /proc/PID/smaps_rollup, counted from the page tables:
# VmRSS is the kernel's per-thread cached counters, which lag by up to 64
# pages per thread and counter on Linux 6.1, the lab's kernel)
# (utime/stime in ticks of 1/100 s; wakeups = voluntary + involuntary
# context switches summed over the process's threads: each one is a thread
# that ran, so their rate over an idle period counts the wake-ups)
pstat() {
	local st
	st=$(sed 's/^.*) //' /proc/$1/stat)   # after "(comm) ": field 3 onwards
	echo "$(awk '/^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem|Threads):/ { k = tolower($1); sub(/:$/, "", k); sub(/^vm/, "", k); printf "%s%s=%s ", k, (k == "threads" ? "" : "_kb"), $2 }' /proc/$1/status)rss_smaps_kb=$(awk '/^Rss:/ { print $2 }' /proc/$1/smaps_rollup) utime=$(echo "$st" | cut -d' ' -f12) stime=$(echo "$st" | cut -d' ' -f13) wakeups=$(cat /proc/$1/task/*/status 2>/dev/null | awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }')"
}
# pmaps PID: the resident kB of PID by mapping (/proc/PID/smaps):
# "text_kb=.. rodata_kb=.. data_kb=.. bss_kb=.. anon_kb=.. anon_max_kb=.. anonhuge_kb=.."
# text/rodata (with the pclntab)/data are the binary's r-x, r-- and rw-
# mappings, bss the anonymous one right after its data; anon is every other
# anonymous mapping (Go heap arenas with the goroutine stacks, runtime
# metadata, thread stacks), anon_max the largest of them (the heap);
# anonhuge the part in transparent huge pages.
pmaps() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {
		split($1, a, "-"); c = "anon"
		if ($6 ~ /hostp2pd$/) { c = ($2 ~ /x/) ? "text" : ($2 ~ /w/) ? "data" : "rodata"; if (c == "data") dend = a[2] }
		else if ($6 == "" && a[1] == dend) c = "bss"
		else if ($6 != "") c = "other"
		next
	}
	/^Rss:/ { kb[c] += $2; if (c == "anon" && $2 > max) max = $2 }
	/^AnonHugePages:/ { huge += $2 }
	END { printf "text_kb=%d rodata_kb=%d data_kb=%d bss_kb=%d anon_kb=%d anon_max_kb=%d anonhuge_kb=%d\n", kb["text"], kb["rodata"], kb["data"], kb["bss"], kb["anon"], max, huge }' /proc/$1/smaps
}

# vm_gobench: the Go micro-benchmarks inside the VM (when lab/bench.sh added
# the test binaries): the same code under TCG, for scale
vm_gobench() {
	local t
	for t in wpaevent:'Parse/mix$' p2p:'Session_HandlePBCJoin' wpactrl:'RequestRealSupplicant'; do
		[ -x /usr/local/bin/${t%%:*}.test ] || continue
		echo "pkg: ${t%%:*}" | sed 's/^/VMBENCH /'
		(cd /tmp && /usr/local/bin/${t%%:*}.test -test.run '^$' -test.bench "${t#*:}" -test.benchmem \
			-test.benchtime ${VM_BENCHTIME:-1s} 2>&1) | grep '^Benchmark' | sed 's/^/VMBENCH /'
	done
}

# bench_golog: the lines of /tmp/go.log the host needs, as GOLOG lines:
#   N ts text          NOTE markers
#   E ts nr KIND ...   events that need an answer, GROUP-STARTED/REMOVED
#   S ts nr            first "monitor sent successfully" to hostp2pd after E
#   C ts nr prev CMD   commands received (prev: timestamp of the line before)
bench_golog() {
	awk -v c="$BENCH_CASE" '
	{ ts = $1; sub(/:$/, "", ts) }
	/^[0-9.]+: NOTE: bench join .*run=warmup-daemon/ { wx = 1 }
	/^[0-9.]+: NOTE: bench / { sub(/^[0-9.]+: NOTE: bench /, ""); print "GOLOG case=" c " " ts " N " $0; prev = ts; next }
	/^[0-9.]+: (P2P-PROV-DISC-PBC-REQ|P2P-PROV-DISC-SHOW-PIN|P2P-PROV-DISC-ENTER-PIN|P2P-GO-NEG-REQUEST|P2P-INVITATION-RECEIVED|P2P-GROUP-STARTED|P2P-GROUP-REMOVED|AP-STA-CONNECTED|AP-STA-DISCONNECTED) / {
		k = $2
		print "GOLOG case=" c " " ts " E " NR " " k
		if (k ~ /^P2P-(PROV-DISC|GO-NEG-REQ)/) want = 1
	}
	wx == 1 && /^[0-9.]+: P2P-PROV-DISC-/ { wx = 2; nx = 0 }
	wx == 2 && nx < 60 { nx++; print "GOLOGX case=" c " " substr($0, 1, 160) }
	wx == 2 && /Control interface command .WPS_/ { wx = 0 }
	want && /CTRL_IFACE monitor sent successfully to .*hostp2pd/ { print "GOLOG case=" c " " ts " S " NR; want = 0 }
	/Control interface command .(WPS_PBC|WPS_PIN|P2P_CONNECT|P2P_GROUP_ADD|P2P_INVITE|P2P_PROV_DISC|P2P_GROUP_REMOVE|WPS_CANCEL)/ {
		s = $0; sub(/^.*Control interface command ./, "", s); split(s, w, /[ \047]/)
		print "GOLOG case=" c " " ts " C " NR " " prev " " w[1]
	}
	{ prev = ts }' /tmp/go.log
}

bench_end() {
	log "go.log: $(wc -c </tmp/go.log) bytes, $(lines go) lines"
	bench_golog
	lab_exit
}
