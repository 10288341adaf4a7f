#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: a phone that only knows GO negotiation (no "join", as Android does
# when the user taps the GO in the peer list) against an already RUNNING
# autonomous group.  hostp2pd cannot negotiate a second group: it must invite
# the phone into the running one (P2P_INVITE group=... peer=...) with WPS
# armed for it; the phone accepts (P2P_CANCEL + p2p_connect ... join).
. /lab/lib.sh

go_start
phone_up 1
daemon_start <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: true
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30
wait_go_ip 10; GO_IP=${GO_IP:-$LAB_NET.1}
need ph1-find ph 1 find $GO_DEV
m=$(lines go)
need ph1-negotiate-pbc ph 1 join --method pbc --negotiate
J=$(pf ms) MODE=$(pf mode)
check ph1-accepted-invitation [ "$MODE" = invited ]
check ph1-in-running-group [ "$(pf ssid)" = "$GO_SSID" ]
check no-second-group sh -c "! tail -n +$((m + 1)) /tmp/go.log | grep -q P2P-GROUP-STARTED"
check daemon-invited-ph1 quiet grep -q "P2P_INVITE group=$GIF peer=42:00:00:00:01:00" /tmp/hostp2pd.log
check go-sees-ph1 sta_connected 1 $m
check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
check ph1-ping-go ph 1 ping $GO_IP -c 2
story "phone-1 used GO negotiation against running group $GO_SSID: invited, joined in $(secs $J) s, got $IP1"
lab_exit
