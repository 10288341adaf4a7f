#!/bin/sh
# lab-radios: 2
# lab-timeout: 600
# bench-timeout: 150 40
# BENCH time to IP (issue 14): phone 1's p2p_connect (PBC join) until the
# address is usable (the GO answers a ping), N times per run:
#   ip-eapol  the address comes in the 4-way handshake (the phone configures
#             P2P-GROUP-STARTED's ip_addr= at once, no DHCP)
#   ip-dhcp   the address comes from DHCP (busybox udhcpc), dhcp.eapol_ip off
# each against hostp2pd and against the ORACLE (the same GO supplicant, group
# made with wpa_cli, ip_addr_* set with wpa_cli, busybox udhcpd, WPS_PBC
# issued by this script before each join).  Lines are kind=join case=ip-*,
# so the report shows them with the join cases (ms and daemon/oracle ratio).
. /lab/bench-lib.sh

bench_go_start
phone_up 1

# ip_join CASE RUN I: one measured join; prints the BENCH line
ip_join() {
	local c=$1 r=$2 i=$3 t0 ok=0 g ip
	mark "join case=$c run=$r i=$i"
	t0=$(now)
	if ph 1 join --timeout 60s --method pbc; then
		g=$(pf group)
		case $c in
		ip-eapol)
			ip=$(pf ip_addr)
			[ -n "$ip" ] && ip -n ph1 addr add "$ip/24" dev "$g" ;;
		ip-dhcp)
			ph 1 dhcp --timeout 20s >/dev/null && ip=$(pf ip) ;;
		esac
		[ -n "$ip" ] && ph 1 ping "$LAB_NET.1" -c 1 --timeout 5s >/dev/null && ok=1
	fi
	bench "kind=join case=$c run=$r i=$i ok=$ok ms=$(ms_since $t0) ip=$ip"
	[ $ok = 1 ] && bench_leave
	sleep 0.3
}

for c in ip-eapol ip-dhcp; do
	eapol=true
	[ $c = ip-eapol ] || eapol=false
	bench_daemon_start $c autonomous pbc "  eapol_ip: $eapol" '  lease_file: "off"' || lab_exit
	need daemon-group-started-$c go_group 30 "$(lines go)"
	wait_go_ip 10
	need ph1-find-$c ph 1 find $GO_DEV
	i=1
	while [ $i -le $BENCH_N ]; do
		ip_join $c daemon $i
		i=$((i + 1))
	done
	check daemon-survived-$c daemon_alive
	bench_daemon_stop
done

# --- oracle -----------------------------------------------------------------------
wcli_ok p2p-dev-wlan0 set ip_addr_go $LAB_NET.1
wcli_ok p2p-dev-wlan0 set ip_addr_mask 255.255.255.0
wcli_ok p2p-dev-wlan0 set ip_addr_start $LAB_NET.128
wcli_ok p2p-dev-wlan0 set ip_addr_end $LAB_NET.254
bench_oracle_group
go_dhcpd
need ph1-find-oracle ph 1 find $GO_DEV
for c in ip-eapol ip-dhcp; do
	i=1
	while [ $i -le $BENCH_N ]; do
		wcli_ok $GIF wps_pbc
		ip_join $c oracle $i
		i=$((i + 1))
	done
done
bench_end
