#!/bin/sh
# lab-radios: 2
# lab-timeout: 180
# DAEMON: the persistent group survives a daemon restart.  hostp2pd
# (activate_persistent_group) creates its persistent group; the phone joins
# with --persistent; "hostp2pd -i p2p-dev-wlan0 -t" stops the daemon (group
# removed), a new hostp2pd must REUSE the stored network: same network id,
# same SSID, still exactly one persistent DIRECT- network in the GO's
# list_networks; the phone comes back by re-invocation, without WPS.
. /lab/lib.sh

go_start
phone_up 1
daemon_go persistent pbc
check group-persistent is_persistent_group
SSID1=$GO_SSID GIF1=$GIF
NETS1=$(go_persistent_nets)
ID1=$(echo "$NETS1" | head -n1 | cut -f1)
check one-persistent-net [ "$(echo "$NETS1" | grep -c .)" -eq 1 ]
check status-net-id-matches wait_json "\"network_id\":$ID1[,}]" 5
log "network id $ID1, ssid $SSID1; status says id $(json_net_id)"
find_join 1 ph1-join-persistent --method pbc --persistent
check ph1-got-persistent [ "$(pf persistent)" = 1 ]
check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
story "first daemon: persistent group $SSID1 (network id $ID1), phone-1 joined and got $IP1"

# restart the daemon the operator's way
m=$(lines go) mp=$(lines ph1)
t=$(now)
check daemon-terminate-t quiet hostp2pd -i p2p-dev-wlan0 -t
TT=$(dt $t)
check daemon-gone eval '! kill -0 $DAEMON_PID 2>/dev/null'
check group-removed-on-stop quiet wait_ev go "P2P-GROUP-REMOVED $GIF1" 5 $m
DAEMON_PID=
check net-kept-after-stop [ "$(go_persistent_nets | cut -f1,2)" = "$(echo "$NETS1" | cut -f1,2)" ]
# the phone notices the GO went away (deauth) and drops its group
quiet wait_ev ph1 'P2P-GROUP-REMOVED' 15 $mp || ph 1 leave
m=$(lines go)
t=$(now)
daemon_up persistent pbc || lab_exit
need daemon-group-again go_group 30 $m
story "daemon stopped in $TT s (-t), restarted; group up again after $(dt $t) s"
check same-ssid-after-restart [ "$GO_SSID" = "$SSID1" ]
check group-persistent-after-restart is_persistent_group
NETS2=$(go_persistent_nets)
log "GO list_networks after restart: $(wcli p2p-dev-wlan0 list_networks | tr '\t\n' ' |')"
check still-one-persistent-net [ "$(echo "$NETS2" | grep -c .)" -eq 1 ]
check same-network-id [ "$(echo "$NETS2" | head -n1 | cut -f1)" = "$ID1" ]
check status-same-net-id wait_json "\"network_id\":$ID1[,}]" 5
go_addr 5

m=$(lines go)
need ph1-reinvoke ph 1 reinvoke --via invite
R=$(pf ms)
check ph1-same-ssid [ "$(pf ssid)" = "$SSID1" ]
check reinvoke-without-wps not wps_since $m
dhcp_ping 1 ph1-dhcp-again ph1-ping-go 2
IP2=$LEASE
story "phone-1 came back to $SSID1 (id $ID1) after the daemon restart in $(secs $R) s without WPS, got $IP2"
lab_exit
