#!/bin/sh
# lab-radios: 3
# lab-timeout: 180
# DAEMON (c): two phones join the same autonomous group AT THE SAME TIME with
# the fixed PIN.  The daemon must serialise the wildcard PIN (the WPS
# registrar hands the first "any" PIN entry to every enrollee), then serve
# both with DHCP.  Both must end up in the same group with distinct leases.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
daemon_go autonomous pin
go_addr

# concurrent discovery and join
at_once f "1 2" find $GO_DEV
need ph1-find [ $r1 -eq 0 ]
need ph2-find [ $r2 -eq 0 ]
t=$(now)
at_once j "1 2" join --method keypad --pin $LAB_PIN --timeout 60s
need ph1-join-concurrent [ $r1 -eq 0 ]
need ph2-join-concurrent [ $r2 -eq 0 ]
S1=$(field "$(grep '^PHONE' /tmp/j1.out)" ssid) S2=$(field "$(grep '^PHONE' /tmp/j2.out)" ssid)
check same-group eval '[ -n "$S1" ] && [ "$S1" = "$S2" ] && [ "$S1" = "$GO_SSID" ]'
story "2 phones joined $GO_SSID concurrently with PIN in $(dt $t) s"

check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
check ph2-dhcp ph 2 dhcp
IP2=$(pf ip)
check distinct-leases eval '[ -n "$IP1" ] && [ -n "$IP2" ] && [ "$IP1" != "$IP2" ]'
check ph1-ping-go ph 1 ping $GO_IP -c 2
check ph2-ping-go ph 2 ping $GO_IP -c 2
check go-ping-ph1 quiet ping -c 2 -W 2 "$IP1"
check go-ping-ph2 quiet ping -c 2 -W 2 "$IP2"
check ph1-leave ph 1 leave
check ph2-still-in ph 2 ping $GO_IP -c 1
lab_exit
