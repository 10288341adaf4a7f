#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: dynamic_group (no group until a phone asks).  The phone runs GO
# negotiation (p2p_connect pbc go_intent=0); the daemon must answer and
# become GO, serve DHCP, and remove the group when the phone leaves.
. /lab/lib.sh

go_start
phone_up 1
daemon_start <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: false
dynamic_group: true
pbc_in_use: true
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true
YAML
sleep 2
check no-group-before-request [ -z "$(ls $CTRL | grep '^p2p-wlan0-')" ]
need ph1-find ph 1 find $GO_DEV
m=$(lines go)
need ph1-negotiate-pbc ph 1 join --method pbc --negotiate
J=$(pf ms)
need daemon-is-go go_group 20 $m
check ph1-dhcp ph 1 dhcp
check ph1-ping-go ph 1 ping "$(wait_go_ip 5; echo ${GO_IP:-$LAB_NET.1})" -c 2
story "phone-1 negotiated a group with hostp2pd (PBC) in $(secs $J) s"
m=$(lines go)
check ph1-leave ph 1 leave
check group-removed-when-empty quiet wait_ev go "P2P-GROUP-REMOVED $GIF" 30 $m
lab_exit
