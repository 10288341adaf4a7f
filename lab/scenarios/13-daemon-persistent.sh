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
daemon_start <<YAML || lab_exit
activate_persistent_group: true
activate_autonomous_group: false
dynamic_group: false
pbc_in_use: true
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30
check group-is-persistent sh -c "echo '$GO_LINE' | grep -q PERSISTENT"
wait_go_ip 10; GO_IP=${GO_IP:-$LAB_NET.1}

need ph1-find ph 1 find $GO_DEV
need ph1-join-persistent ph 1 join --method pbc --persistent
check ph1-got-persistent [ "$(pf persistent)" = 1 ]
check ph1-dhcp ph 1 dhcp
check ph1-leave ph 1 leave
sleep 1
m=$(lines go)
check ph1-reinvoke ph 1 reinvoke --via invite
R=$(pf ms)
check same-ssid [ "$(pf ssid)" = "$GO_SSID" ]
check reinvoke-without-wps sh -c "! tail -n +$((m + 1)) /tmp/go.log | grep -q WPS-REG-SUCCESS"
check ph1-dhcp-after-reinvoke ph 1 dhcp
check ph1-ping-go ph 1 ping $GO_IP -c 2
story "phone-1 came back to persistent group $GO_SSID in $(secs $R) s without WPS"
lab_exit
