#!/bin/sh
# lab-radios: 2
# lab-timeout: 180
# DAEMON: the ON-DEMAND modes.  Part 1, autonomous on demand (all three of
# activate_persistent_group / activate_autonomous_group / dynamic_group
# false): no group at start; the first request (here: the phone runs GO
# negotiation, PBC) makes hostp2pd P2P_GROUP_ADD and invite the phone, which
# accepts like Android does (P2P_CANCEL + p2p_connect ... join).  The group
# stays when the phone leaves.  Part 2, persistent on demand
# (activate_persistent_group + dynamic_group): the group made on the first
# request is persistent and the GO stores exactly one persistent network.
. /lab/lib.sh

go_start
phone_up 1
daemon_up autonomous-on-demand pbc || lab_exit
sleep 2
check status-answers wait_json '"state":' 5
check no-group-in-status not json_group
check no-group-iface no_go_group
log "GO netdevs: $(iw dev | sed -n 's/.*Interface //p' | tr '\n' ' ')"

log "status: $(hp_json | cut -c1-200)"

m=$(lines go)
t=$(now)
find_join 1 ph1-negotiate-pbc --method pbc --negotiate
J=$(pf ms) MODE=$(pf mode) SSID1=$(pf ssid)
# phone-1 is a plain client (it answers no invitation, like wpa_cli or
# NetworkManager): the daemon authorises it and answers its negotiation as GO
check ph1-negotiated-not-invited [ "$MODE" = negotiate ]
need daemon-created-group go_group 10 $m
check daemon-answered-ph1-as-go quiet grep -Eq "P2P_CONNECT 42:00:00:00:01:00 pbc.*go_intent=15" /tmp/hostp2pd.log
check ph1-in-daemons-group [ "$SSID1" = "$GO_SSID" ]
check group-iface-exists eval 'iw dev | grep -q "Interface $GIF\$"'
check group-not-persistent not is_persistent_group
go_addr 5
dhcp_ping 1 ph1-dhcp ph1-ping-go 2
IP1=$LEASE
check status-lists-ph1 wait_json '"dev_addr":"42:00:00:00:01:00"' 5
story "autonomous on demand: no group until phone-1 negotiated; hostp2pd made $GO_SSID and invited it, joined ($MODE) in $(secs $J) s, got $IP1"

m=$(lines go)
check ph1-leave ph 1 leave
sleep 3
check group-stays-after-leave [ -S $CTRL/$GIF ]
check no-group-removed not go_since $m P2P-GROUP-REMOVED
check status-still-has-group json_group

# ---- part 2: persistent on demand ------------------------------------------
m=$(lines go)
check daemon-terminate-t quiet hostp2pd -i p2p-dev-wlan0 -t
check daemon-gone sh -c "! kill -0 $DAEMON_PID 2>/dev/null"
DAEMON_PID=
quiet wait_ev go "P2P-GROUP-REMOVED $GIF" 10 $m || { [ -S $CTRL/$GIF ] && wcli p2p-dev-wlan0 p2p_group_remove $GIF >/dev/null; sleep 1; }
check no-persistent-net-before [ -z "$(go_persistent_nets)" ]
daemon_up persistent-on-demand pbc || lab_exit
sleep 2
check p-no-group-at-start no_go_group
check p-status-answers wait_json '"state":' 5
check p-no-group-in-status not json_group
need p-ph1-find ph 1 find $GO_DEV
m=$(lines go)
need p-ph1-negotiate-pbc ph 1 join --method pbc --negotiate
J=$(pf ms) MODE=$(pf mode) SSID2=$(pf ssid)
need p-daemon-created-group go_group 10 $m
check p-group-persistent is_persistent_group
check p-ph1-in-group [ "$SSID2" = "$GO_SSID" ]
N=$(go_persistent_nets | wc -l)
log "GO list_networks: $(wcli p2p-dev-wlan0 list_networks | tr '\t\n' ' |')"
check p-exactly-one-persistent-net [ "$N" -eq 1 ]
check p-persistent-net-is-group eval 'go_persistent_nets | grep -q "	$GO_SSID	"'
check p-status-persistent wait_json '"persistent":true' 5
check p-ph1-dhcp ph 1 dhcp
story "persistent on demand: phone-1 negotiated ($MODE) into persistent group $GO_SSID in $(secs $J) s; GO stores $N persistent network(s)"
lab_exit
