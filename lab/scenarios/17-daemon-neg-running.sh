#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: a plain client (wpa_cli, NetworkManager: GO negotiation only, it
# never answers an invitation) asks a RUNNING autonomous group that has no
# client for GO negotiation (issue 13 item 1).  hostp2pd removes the empty
# group and answers the negotiation as GO (P2P_CONNECT <phone> pbc
# go_intent=15); it sends no invitation, which the plain client would refuse.
. /lab/lib.sh

go_start
phone_up 1
daemon_go autonomous pbc
OLD_GIF=$GIF
m=$(lines go)
need ph1-find ph 1 find $GO_DEV
need ph1-negotiate-pbc ph 1 --client plain join --method pbc --negotiate
J=$(pf ms) MODE=$(pf mode)
check ph1-negotiated-not-invited [ "$MODE" = negotiate ]
check daemon-removed-empty-group quiet grep -q "removing the group to answer it as GO" /tmp/hostp2pd.log
check daemon-answered-as-go quiet grep -q "P2P_CONNECT 42:00:00:00:01:00 pbc go_intent=15" /tmp/hostp2pd.log
check no-invitation sh -c "! grep -q 'P2P_INVITE' /tmp/hostp2pd.log"
need daemon-is-go go_group 20 $m
check old-group-gone [ ! -S $CTRL/$OLD_GIF ] || [ "$OLD_GIF" = "$GIF" ]
check ph1-in-the-group [ "$(pf ssid)" = "$GO_SSID" ]
check go-sees-ph1 quiet grep -q "AP-STA-CONNECTED .*p2p_dev_addr=42:00:00:00:01:00" /tmp/hostp2pd.log
go_addr
dhcp_ping 1 ph1-dhcp ph1-ping-go 2
IP1=$LEASE
story "plain phone-1 negotiated against the running empty group: hostp2pd re-formed it as GO, joined in $(secs $J) s, got $IP1"
lab_exit
