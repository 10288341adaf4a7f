#!/bin/sh
# lab-radios: 3
# lab-timeout: 150
# DAEMON (b): autonomous GO with a fixed PIN (hostp2pd's password key);
# ph1 types the right PIN and joins, ph2 types a wrong one and must stay out.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
daemon_go autonomous keypad
go_addr

find_join 1 ph1-join-keypad --method keypad --pin $LAB_PIN
J=$(pf ms)
dhcp_ping 1 ph1-dhcp ph1-ping-go 3
IP1=$LEASE
story "phone-1 joined with PIN (keypad) in $(secs $J) s, got $IP1"

need ph2-find ph 2 find $GO_DEV
check ph2-wrong-pin-refused expect_refused 2 --method keypad --pin 11111116
check ph1-unaffected ph 1 ping $GO_IP -c 1
lab_exit
