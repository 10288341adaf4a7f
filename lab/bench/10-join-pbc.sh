#!/bin/sh
# lab-radios: 2
# lab-timeout: 600
# bench-timeout: 120 16
# BENCH pbc: phone 1 joins a running autonomous group with push-button, N
# times (join, leave), first against hostp2pd (which must answer the phone's
# P2P-PROV-DISC-PBC-REQ with WPS_PBC), then against the ORACLE: the same GO
# supplicant, group made with wpa_cli, WPS_PBC issued by this script before
# each join (no daemon).  Reaction latency comes from the GO's debug log.
. /lab/bench-lib.sh

bench_go_start
phone_up 1

# --- daemon ---------------------------------------------------------------------
bench_daemon_start pbc <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: true
ctl_socket: /run/hostp2pd.sock
group_freq: $BENCH_FREQ
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30
need ph1-find ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	bench_join pbc daemon $i --method pbc && bench_leave
	sleep 0.3
	i=$((i + 1))
done
bench "kind=mem case=pbc state=after-joins $(pstat $DAEMON_PID)"
check daemon-survived daemon_alive
bench_daemon_stop

# --- oracle -----------------------------------------------------------------------
m=$(lines go)
wcli_ok p2p-dev-wlan0 p2p_group_add freq=$BENCH_FREQ
need oracle-group-started go_group 30 $m
need ph1-find-oracle ph 1 find $GO_DEV
i=1
while [ $i -le $BENCH_N ]; do
	wcli_ok $GIF wps_pbc
	bench_join pbc oracle $i --method pbc && bench_leave
	sleep 0.3
	i=$((i + 1))
done
bench_end
