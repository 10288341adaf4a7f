#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# CLIENTS (issue 13 item 2): a phone re-invokes a persistent group the GO no
# longer has, as Windows does too (miraclecast#407).  The GO's wpa_supplicant
# runs with its default persistent_reconnect=0, so it refuses with status 1
# and reports P2P-INVITATION-RECEIVED ... unknown-network; hostp2pd arms WPS
# for the peer and invites it into its running group.  The Android phone
# does what AOSP WifiP2pServiceImpl does on status 1 (or 8): it connects
# again, p2p_connect <GO> pbc persistent join (the GO shows the group owner
# bit), and joins the daemon's group.
. /lab/lib.sh

go_start "persistent_reconnect=0"
phone_up 1
# Without the daemon: a persistent group the phone stores, then forgotten by the GO.
m=$(lines go)
wcli_ok p2p-dev-wlan0 p2p_group_add persistent
need oracle-group go_group 20 $m
wcli_ok $GIF wps_pbc
need ph1-find ph 1 --client android find $GO_DEV
need ph1-join-persistent ph 1 --client android join --method pbc --persistent
check ph1-leave ph 1 leave
wcli p2p-dev-wlan0 p2p_group_remove $GIF >/dev/null
sleep 1
wcli_ok p2p-dev-wlan0 remove_network all
# the mark before the daemon starts: its group may be up before daemon_start returns
m=$(lines go)
daemon_start <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: true
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30 $m
m=$(lines go)
need ph1-reinvoke ph 1 --client android reinvoke --via invite --timeout 30s
R=$(pf ms) F=$(pf find_ms)
check go-reported-unknown-network quiet grep -q "P2P-INVITATION-RECEIVED .*unknown-network" /tmp/go.log
check daemon-brought-it-in quiet grep -q "a peer invites us to a group we do not have" /tmp/hostp2pd.log
check ph1-refused-status-1 [ "$(pf inv_status)" = 1 ]
check ph1-joined-after-refusal [ "$(pf fallback)" = join ]
check ph1-in-daemon-group [ "$(pf ssid)" = "$GO_SSID" ]
check go-sees-ph1 sta_connected 1 $m
story "phone-1 re-invoked a group the GO forgot: in $GO_SSID $(secs $((R - F))) s after its invitation (refused with status $(pf inv_status), then $(pf fallback))"
lab_exit
