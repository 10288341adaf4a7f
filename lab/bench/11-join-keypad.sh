#!/bin/sh
# lab-radios: 2
# lab-timeout: 600
# bench-timeout: 150 12
# BENCH keypad: phone 1 joins a running autonomous group by typing the GO's
# PIN (P2P_CONNECT <GO> PIN keypad join), N times.  hostp2pd must answer the
# P2P-PROV-DISC-SHOW-PIN with WPS_PIN any <password>; the ORACLE script arms
# WPS_PIN any <PIN> before each join.  Last, REFLEX (reflex=R joins, default
# 10): the oracle's group answered by lab/bench/reflex, the smallest Go client
# on the same wpactrl package, for the floor of the reaction latency.
# Daemon and reflex client each answer one warm-up join first
# (bench_warmup: reported, not counted), so that neither is measured on the
# first join into its group or its own first event.
. /lab/bench-lib.sh

bench_go_start
phone_up 1

bench_daemon_start keypad autonomous keypad || lab_exit
need daemon-group-started go_group 30
need ph1-find ph 1 find $GO_DEV
bench_warmup keypad daemon --method keypad --pin $LAB_PIN
bench_joins keypad daemon $BENCH_N "" --method keypad --pin $LAB_PIN
check daemon-survived daemon_alive
bench_daemon_stop

bench_oracle_group
need ph1-find-oracle ph 1 find $GO_DEV
bench_joins keypad oracle $BENCH_N 'wcli $GIF wps_pin any $LAB_PIN >/dev/null' --method keypad --pin $LAB_PIN

if [ -x /usr/local/bin/reflex ] && [ "$BENCH_REFLEX" -gt 0 ]; then
	reflex -group $GIF -pin $LAB_PIN >/tmp/reflex.out 2>&1 &
	RPID=$!
	sleep 1
	bench_warmup keypad reflex --method keypad --pin $LAB_PIN
	bench_joins keypad reflex $BENCH_REFLEX "" --method keypad --pin $LAB_PIN
	kill $RPID
fi
bench_end
