#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: hostp2pd's default mode, a persistent group started at once.  The
# phone joins with PBC asking for persistence, leaves, and comes back by
# re-invoking the stored group (p2p_invite): the GO must accept it without a
# new WPS exchange, with the same SSID.
. /lab/lib.sh

go_start
phone_up 1
daemon_go persistent pbc
check group-is-persistent is_persistent_group
go_addr

find_join 1 ph1-join-persistent --method pbc --persistent
check ph1-got-persistent [ "$(pf persistent)" = 1 ]
check ph1-dhcp ph 1 dhcp
check ph1-leave ph 1 leave
sleep 1
m=$(lines go)
check ph1-reinvoke ph 1 reinvoke --via invite
R=$(pf ms)
check same-ssid [ "$(pf ssid)" = "$GO_SSID" ]
check reinvoke-without-wps not wps_since $m
dhcp_ping 1 ph1-dhcp-after-reinvoke ph1-ping-go 2
story "phone-1 came back to persistent group $GO_SSID in $(secs $R) s without WPS"
lab_exit
