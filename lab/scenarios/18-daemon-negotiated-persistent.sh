#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: negotiated_persistent (dynamic_group + negotiated_persistent): the
# phone negotiates a PERSISTENT group (p2p_connect ... persistent), both
# sides store it; the phone leaves and hostp2pd removes the group; then the
# phone re-invokes the stored group while the GO is idle (p2p_invite
# persistent=ID): the GO's supplicant accepts it and starts the group again,
# no WPS exchange this time; hostp2pd must serve DHCP on the new group.
# (This scenario found that a P2P_FIND sent right after the group started
# keeps the GO off channel for ~3.7 s: its probe responses go out with ack=0
# and the phone's 10 s group-formation timer expires. hostp2pd no longer
# searches while it is GO unless find_while_go is set.)
. /lab/lib.sh

go_start
phone_up 1
daemon_up negotiated-persistent pbc || lab_exit
sleep 2
check no-group-before-request no_go_group
m=$(lines go)
find_join 1 ph1-negotiate-persistent --method pbc --negotiate --persistent
J=$(pf ms) MODE=$(pf mode)
check ph1-got-persistent [ "$(pf persistent)" = 1 ]
need daemon-is-go go_group 20 $m
SSID1=$GO_SSID
check go-group-persistent is_persistent_group
check daemon-used-p2p-connect-persistent quiet grep -q 'P2P_CONNECT 42:00:00:00:01:00 pbc persistent' /tmp/hostp2pd.log
check go-stores-one-persistent-net [ "$(go_persistent_nets | wc -l)" -eq 1 ]
check first-join-used-wps wps_since $m
go_addr 5
dhcp_ping 1 ph1-dhcp ph1-ping-go 2
IP1=$LEASE
story "phone-1 negotiated persistent group $SSID1 ($MODE) in $(secs $J) s, got $IP1"

m=$(lines go)
check ph1-leave ph 1 leave
t=$(now)
check daemon-removes-group quiet wait_ev go "P2P-GROUP-REMOVED $GIF" 30 $m
story "hostp2pd removed the empty group $(dt $t) s after phone-1 left"
# the group netdev can outlive P2P-GROUP-REMOVED by a moment
check go-idle eval 'for i in 1 2 3 4 5; do sleep 1; no_go_group && break; done; no_go_group'

m=$(lines go)
need ph1-reinvoke ph 1 reinvoke --via invite
R=$(pf ms)
need go-group-again go_group 10 $m
check same-ssid [ "$(pf ssid)" = "$SSID1" ] && [ "$GO_SSID" = "$SSID1" ]
check reinvoke-without-wps not wps_since $m
go_addr 5
dhcp_ping 1 ph1-dhcp-after-reinvoke ph1-ping-go-again 2
IP2=$LEASE
check go-still-one-persistent-net [ "$(go_persistent_nets | wc -l)" -eq 1 ]
story "phone-1 re-invoked $SSID1 while hostp2pd was idle: back in $(secs $R) s without WPS, got $IP2"
lab_exit
