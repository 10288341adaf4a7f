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
bench_daemon_start pbc autonomous pbc || lab_exit
need daemon-group-started go_group 30
need ph1-find ph 1 find $GO_DEV
bench_joins pbc daemon $BENCH_N "" --method pbc
bench "kind=mem case=pbc state=after-joins $(pstat $DAEMON_PID)"
check daemon-survived daemon_alive
bench_daemon_stop

# --- oracle -----------------------------------------------------------------------
bench_oracle_group
need ph1-find-oracle ph 1 find $GO_DEV
bench_joins pbc oracle $BENCH_N 'wcli_ok $GIF wps_pbc' --method pbc
bench_end
