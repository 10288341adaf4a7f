#!/bin/sh
# lab-radios: 3
# lab-timeout: 150
# DAEMON (b): autonomous GO with a fixed PIN (hostp2pd's password key);
# ph1 types the right PIN and joins, ph2 types a wrong one and must stay out.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
daemon_start <<YAML || lab_exit
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: false
password: "$LAB_PIN"
wps_method: keypad
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true
YAML
need daemon-group-started go_group 30
wait_go_ip 10; GO_IP=${GO_IP:-$LAB_NET.1}

need ph1-find ph 1 find $GO_DEV
need ph1-join-keypad ph 1 join --method keypad --pin $LAB_PIN
J=$(pf ms)
check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
check ph1-ping-go ph 1 ping $GO_IP -c 3
story "phone-1 joined with PIN (keypad) in $(secs $J) s, got $IP1"

need ph2-find ph 2 find $GO_DEV
check ph2-wrong-pin-refused expect_refused 2 --method keypad --pin 11111116
check ph1-unaffected ph 1 ping $GO_IP -c 1
lab_exit
