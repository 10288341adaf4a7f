#!/bin/sh
# lab-radios: 2
# lab-timeout: 600
# bench-timeout: 60 8
# BENCH group-up: time from starting hostp2pd (autonomous group) to the GO's
# P2P-GROUP-STARTED, N times (SIGTERM and group removal in between), against
# the ORACLE `wpa_cli p2p_group_add`.  Both are timed in the supplicant's
# debug log: from the NOTE marker written just before the exec of
# hostp2pd / wpa_cli to P2P-GROUP-STARTED.  No phone.
. /lab/bench-lib.sh

bench_go_start

i=1
while [ $i -le $BENCH_N ]; do
	m=$(lines go)
	bench_daemon_start "groupup run=daemon i=$i" autonomous pbc
	go_group 30 $m >/dev/null || fail groupup-daemon-$i
	[ $i -eq 1 ] && bench "kind=mem case=groupup state=group-up $(pstat $DAEMON_PID)"
	bench_daemon_stop
	sleep 0.3
	i=$((i + 1))
done

i=1
while [ $i -le $BENCH_N ]; do
	m=$(lines go)
	mark "groupup run=oracle i=$i"
	wcli_ok p2p-dev-wlan0 p2p_group_add freq=$BENCH_FREQ
	go_group 30 $m >/dev/null || fail groupup-oracle-$i
	go_remove_groups
	sleep 0.3
	i=$((i + 1))
done
vm_gobench
bench_end
