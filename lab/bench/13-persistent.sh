#!/bin/sh
# lab-radios: 2
# lab-timeout: 900
# bench-timeout: 120 24
# BENCH persistent: phone 1 joins a persistent group once (PBC, --persistent,
# not measured), then N times leaves and re-invokes it (fresh p2p_find +
# P2P_INVITE persistent=<id>); the join time is invite -> connected (the
# phone's ms minus its find_ms).  The GO accepts re-invocations itself
# (persistent_reconnect=1), so the daemon's part is to keep the group.
# hostp2pd: activate_persistent_group.  ORACLE: p2p_group_add persistent +
# one wps_pbc for the first join.
. /lab/bench-lib.sh

bench_go_start
phone_up 1

reinvoke_loop() {
	local r=$1 i=1 rc
	while [ $i -le $BENCH_N ]; do
		bench_leave
		sleep 0.5
		mark "join case=persistent run=$r i=$i"
		ph 1 reinvoke --via invite --timeout 45s
		rc=$? ms=$(pf ms) fm=$(pf find_ms)
		bench "kind=join case=persistent run=$r i=$i ok=$((rc == 0)) ms=$((${ms:-0} - ${fm:-0})) total_ms=$ms find_ms=$fm ssid=$(pf ssid)"
		i=$((i + 1))
	done
	bench_leave
}

bench_daemon_start persistent persistent pbc || lab_exit
need daemon-group-started go_group 30
need ph1-find ph 1 find $GO_DEV
mark "join case=persistent-setup run=daemon i=0"
need ph1-join-persistent ph 1 join --method pbc --persistent
reinvoke_loop daemon
check daemon-survived daemon_alive
bench_daemon_stop

bench_oracle_group persistent
wcli_ok $GIF wps_pbc
need ph1-find-oracle ph 1 find $GO_DEV
mark "join case=persistent-setup run=oracle i=0"
need ph1-join-persistent-oracle ph 1 join --method pbc --persistent
reinvoke_loop oracle
bench_end
