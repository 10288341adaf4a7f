#!/bin/sh
# lab-radios: 2
# lab-timeout: 600
# bench-timeout: 120 12
# BENCH keypad: phone 1 joins a running autonomous group by typing the GO's
# PIN (P2P_CONNECT <GO> PIN keypad join), N times.  hostp2pd must answer the
# P2P-PROV-DISC-SHOW-PIN with WPS_PIN any <password>; the ORACLE script arms
# WPS_PIN any <PIN> before each join.  Last, REFLEX (reflex=R joins, default
# 10): the oracle's group answered by lab/bench/reflex, the smallest Go client
# on the same wpactrl package, for the floor of the reaction latency.
. /lab/bench-lib.sh

bench_go_start
phone_up 1

bench_daemon_start keypad <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: false
password: "$LAB_PIN"
wps_method: keypad
ctl_socket: /run/hostp2pd.sock
group_freq: $BENCH_FREQ
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30
need ph1-find ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	bench_join keypad daemon $i --method keypad --pin $LAB_PIN && bench_leave
	sleep 0.3
	i=$((i + 1))
done
check daemon-survived daemon_alive
bench_daemon_stop

m=$(lines go)
wcli_ok p2p-dev-wlan0 p2p_group_add freq=$BENCH_FREQ
need oracle-group-started go_group 30 $m
need ph1-find-oracle ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	wcli $GIF wps_pin any $LAB_PIN >/dev/null
	bench_join keypad oracle $i --method keypad --pin $LAB_PIN && bench_leave
	sleep 0.3
	i=$((i + 1))
done

if [ -x /usr/local/bin/reflex ] && [ "$BENCH_REFLEX" -gt 0 ]; then
	reflex -group $GIF -pin $LAB_PIN >/tmp/reflex.out 2>&1 &
	RPID=$!
	sleep 1
	i=1
	while [ $i -le $BENCH_REFLEX ]; do
		bench_join keypad reflex $i --method keypad --pin $LAB_PIN && bench_leave
		sleep 0.3
		i=$((i + 1))
	done
	kill $RPID
fi
bench_end
