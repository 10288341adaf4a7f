#!/bin/sh
# lab-radios: 17
# lab-timeout: 900
# bench-timeout: 240 40
# BENCH concurrency + footprint.  hostp2pd runs an autonomous group with a
# fixed PIN; as many phones are up as the largest crowd (crowds=1:3:8:16 in
# lab.args; lab/bench.sh sets lab-radios to that number + 1).
#   footprint: VmRSS/VmHWM right after the group is up, CPU time (utime+stime
#     from /proc/PID/stat) and wake-ups (context switches of all threads)
#     over 60 s with nothing happening, VmRSS/VmHWM with K clients connected
#     after the last round of every crowd size K;
#   concurrency: rounds of 1, 3, 8, 16 phones starting a keypad join at the
#     same moment (conc=R rounds per level); per phone ok and its PHONE
#     t/ms, from which the host computes the success rate and the time until
#     the last one is connected.
. /lab/bench-lib.sh
BENCH_IDLE=${BENCH_IDLE:-60}
# case=NAME labels the footprint samples (lab/bench.sh's "moonshot" boot runs
# this scenario with case=moonshot, idle=0 and only the 32-phone crowd)
CASE=concurrency
for a in $LAB_ARGS; do
	case $a in
	idle=*) BENCH_IDLE=${a#idle=} ;;
	case=*) CASE=${a#case=} ;;
	esac
done

bench_go_start
MAXK=0
for k in $BENCH_CROWDS; do [ "$k" -le "$MAXK" ] || MAXK=$k; done
n=1
while [ $n -le $MAXK ]; do need phone-$n-up phone_up $n; n=$((n + 1)); done

# the Go runtime reports each garbage collection on stderr (gcstat)
export GODEBUG=gctrace=1
bench_daemon_start concurrency autonomous keypad || lab_exit
need daemon-group-started go_group 30
sleep 3
bench "kind=mem case=$CASE state=idle $(pstat $DAEMON_PID)"
bench "kind=maps case=$CASE state=idle $(pmaps $DAEMON_PID)"
if [ "$BENCH_IDLE" -gt 0 ]; then
	bench "kind=cpu case=$CASE state=idle-start secs=0 $(pstat $DAEMON_PID)"
	sleep $BENCH_IDLE
	bench "kind=cpu case=$CASE state=idle-end secs=$BENCH_IDLE $(pstat $DAEMON_PID)"
	bench "kind=gc case=$CASE state=idle $(gcstat)"
fi

# every phone finds the GO (two at a time: eight concurrent finds starve TCG)
n=1
while [ $n -le $MAXK ]; do
	phone --phone ph$n find $GO_DEV >/tmp/f$n.out 2>&1 & p1=$!
	p2=
	if [ $((n + 1)) -le $MAXK ]; then phone --phone ph$((n + 1)) find $GO_DEV >/tmp/f$((n + 1)).out 2>&1 & p2=$!; fi
	wait $p1; [ -z "$p2" ] || wait $p2
	n=$((n + 2))
done
cat /tmp/f*.out | grep '^PHONE'

for k in $BENCH_CROWDS; do
	r=1
	while [ $r -le $BENCH_CONC ]; do
		mark "conc phones=$k round=$r"
		n=1
		while [ $n -le $k ]; do
			phone --phone ph$n join --method keypad --pin $LAB_PIN --timeout 60s >/tmp/j$n.out 2>/tmp/j$n.err &
			eval p$n=$!
			n=$((n + 1))
		done
		n=1
		while [ $n -le $k ]; do
			eval wait \$p$n
			rc=$?
			l=$(grep '^PHONE' /tmp/j$n.out | tail -n1)
			echo "$l"
			bench "kind=conc phones=$k round=$r ph=$n ok=$((rc == 0)) t=$(field "$l" t) ms=$(field "$l" ms)"
			n=$((n + 1))
		done
		if [ $r -eq $BENCH_CONC ]; then
			sleep 2
			bench "kind=mem case=$CASE state=clients-$k clients=$(wcli $GIF list_sta | grep -c :) $(pstat $DAEMON_PID)"
			bench "kind=maps case=$CASE state=clients-$k $(pmaps $DAEMON_PID)"
			bench "kind=gc case=$CASE state=clients-$k $(gcstat)"
		fi
		n=1 lp=
		while [ $n -le $k ]; do
			phone --phone ph$n leave >/dev/null 2>&1 &
			lp="$lp $!"
			n=$((n + 1))
		done
		for p in $lp; do wait $p; done
		sleep 1
		r=$((r + 1))
	done
done
bench "kind=cpu case=$CASE state=end secs=0 $(pstat $DAEMON_PID)"
check daemon-survived daemon_alive
bench_end
