#!/bin/sh
# lab-radios: 4
# lab-timeout: 200
# DAEMON: three phones find and join one autonomous group AT THE SAME TIME
# with the keypad PIN (hostp2pd must serialise the wildcard PIN), each gets
# its own lease, all ping the GO and the GO pings all.
. /lab/lib.sh

go_start
for n in 1 2 3; do phone_up $n || { fail phone-up-$n; lab_exit; }; done
daemon_go autonomous keypad
go_addr

# all together: find, then join
at_once f "1 2 3" find $GO_DEV
for n in 1 2 3; do eval need ph$n-find [ \$r$n -eq 0 ]; done
t=$(now)
at_once j "1 2 3" join --method keypad --pin $LAB_PIN --timeout 90s
T=$(dt $t)
ok=0
for n in 1 2 3; do eval check ph$n-join-concurrent [ \$r$n -eq 0 ] && ok=$((ok + 1)); done
[ $ok -eq 3 ] || lab_exit
MS=
for n in 1 2 3; do
	l=$(grep '^PHONE' /tmp/j$n.out)
	check ph$n-same-group [ "$(field "$l" ssid)" = "$GO_SSID" ]
	MS="$MS ph$n=$(secs $(field "$l" ms))s"
done
story "3 phones joined $GO_SSID concurrently with the keypad PIN in $T s (each:$MS)"

IPS=
for n in 1 2 3; do
	check ph$n-dhcp ph $n dhcp
	eval IP$n=$(pf ip); IPS="$IPS $(pf ip)"
done
check three-distinct-leases eval '[ $(echo $IPS | tr " " "\n" | grep -c .) -eq 3 ] && [ $(echo $IPS | tr " " "\n" | sort -u | wc -l) -eq 3 ]'
for n in 1 2 3; do
	check ph$n-ping-go ph $n ping $GO_IP -c 2
	eval ip=\$IP$n
	check go-ping-ph$n quiet ping -c 2 -W 2 "$ip"
done
J=$(hp_json)
for n in 1 2 3; do check status-lists-ph$n has_client "$J" 42:00:00:00:0$n:00; done
story "leases:$IPS; all pinged both ways"
lab_exit
