#!/bin/sh
# lab-radios: 2
# lab-timeout: 900
# bench-timeout: 120 30
# BENCH negotiated: no group until the phone asks.  Phone 1 runs GO
# negotiation (P2P_CONNECT <GO> pbc go_intent=0), N times; the group goes
# away after each leave.  hostp2pd (dynamic_group) must answer the
# P2P-GO-NEG-REQUEST with P2P_CONNECT ... go_intent=15.  ORACLE: the script
# authorises the phone beforehand (p2p_listen; p2p_connect <phone> pbc auth
# go_intent=15) and removes the group after the leave.
. /lab/bench-lib.sh

bench_go_start
phone_up 1

# wait_removed MARK: the GO's group is gone (after line MARK of go.log)
wait_removed() {
	quiet wait_ev go "P2P-GROUP-REMOVED " 30 "$1"
}

bench_daemon_start negotiated negotiated-on-demand pbc || lab_exit
sleep 2
need ph1-find ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	m=$(lines go)
	if bench_join negotiated daemon $i --method pbc --negotiate; then
		quiet wait_ev go 'P2P-GROUP-STARTED .* GO ' 10 $m
		m=$(lines go)
		bench_leave
		wait_removed $m || log "daemon did not remove the group"
	fi
	sleep 0.5
	i=$((i + 1))
done
check daemon-survived daemon_alive
bench_daemon_stop

wcli_ok p2p-dev-wlan0 p2p_listen
need ph1-find-oracle ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	m=$(lines go)
	wcli_ok p2p-dev-wlan0 p2p_listen
	wcli_ok p2p-dev-wlan0 p2p_connect $GO_PH pbc auth go_intent=15 freq=$BENCH_FREQ
	if bench_join negotiated oracle $i --method pbc --negotiate && go_group 10 $m; then
		m=$(lines go)
		bench_leave
		wcli p2p-dev-wlan0 p2p_group_remove $GIF >/dev/null
		wait_removed $m
	else
		go_remove_groups
	fi
	sleep 0.5
	i=$((i + 1))
done
bench_end
