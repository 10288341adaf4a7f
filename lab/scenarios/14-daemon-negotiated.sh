#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: dynamic_group (no group until a phone asks).  The phone runs GO
# negotiation (p2p_connect pbc go_intent=0); the daemon must answer and
# become GO, serve DHCP, and remove the group when the phone leaves.
. /lab/lib.sh

go_start
phone_up 1
daemon_up negotiated-on-demand pbc || lab_exit
sleep 2
check no-group-before-request [ -z "$(go_groups_up)" ]
m=$(lines go)
find_join 1 ph1-negotiate-pbc --method pbc --negotiate
J=$(pf ms)
need daemon-is-go go_group 20 $m
go_addr 5
dhcp_ping 1 ph1-dhcp ph1-ping-go 2
story "phone-1 negotiated a group with hostp2pd (PBC) in $(secs $J) s"
m=$(lines go)
check ph1-leave ph 1 leave
check group-removed-when-empty quiet wait_ev go "P2P-GROUP-REMOVED $GIF" 30 $m
lab_exit
