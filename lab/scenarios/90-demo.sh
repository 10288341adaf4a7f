#!/bin/sh
# lab-radios: 2
# lab-timeout: 120
# DEMO (lab/demo.sh, make demo): hostp2pd as an autonomous GO, one phone
# joins with PBC, gets an address by DHCP and pings the GO.  Prints STORY
# lines for humans.  With lab.args=oracle the GO side is scripted instead
# (wpa_cli + busybox udhcpd), to show the lab without the daemon.
. /lab/lib.sh
ORACLE=0
case " $LAB_ARGS " in *" oracle "*) ORACLE=1 ;; esac

go_start
phone_up 1
story "radios up: the GO is radio 0 ($GO_DEV), phone-1 is radio 1 in its own network namespace"
t=$(now)
if [ $ORACLE = 1 ]; then
	wcli_ok p2p-dev-wlan0 p2p_group_add
	who="scripted oracle, no daemon"
else
	story "starting: hostp2pd -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml (autonomous group, push button, DHCP)"
	daemon_up autonomous pbc >/dev/null || lab_exit
	who="hostp2pd, autonomous"
fi
need group-started go_group 30
story "group $GO_SSID up on $GO_FREQ MHz ($who) after $(dt $t) s"
if [ $ORACLE = 1 ]; then
	go_dhcpd
	wcli_ok $GIF wps_pbc
	GO_IP=$LAB_NET.1
else
	go_addr
fi

need phone-finds-go ph 1 find $GO_NAME
story "phone-1 found \"$(pf name)\" ($(pf peer)) after $(secs $(pf ms)) s of scanning"
need phone-joins ph 1 join --method pbc
J=$(pf ms) G=$(pf group)
check phone-dhcp ph 1 dhcp
IP=$(pf ip)
check phone-ping ph 1 ping $GO_IP -c 3
P="$(pf recv)/$(pf sent)" R=$(pf rtt_ms)
story "phone-1 joined with PBC in $(secs $J) s, got ${IP:-no address}, ping $GO_IP $P (avg ${R:-?} ms)"
check phone-leaves ph 1 leave
sleep 1
if [ -S $CTRL/$GIF ]; then
	story "phone-1 left; group $GO_SSID stays up for the next phone"
else
	story "phone-1 left; the group was removed"
fi
[ $LAB_FAILS -eq 0 ] && story "demo OK" || story "demo had $LAB_FAILS failed check(s)"
lab_exit
