#!/bin/sh
# lab-radios: 3
# lab-timeout: 150
# DHCP (issue 14): the address handed out in the 4-way handshake (phone's
# P2P-GROUP-STARTED ip_addr= go_ip_addr=, GO's AP-STA-CONNECTED ip_addr=) is
# the one DHCP gives the same phone; 5 unicast renewals (busybox udhcpc
# SIGUSR1) are each answered within 1 s with no broadcast rebind; the status
# and the connect/ip hooks carry the address; a second phone that runs a
# DHCP server on the group is named in the daemon's log as a rival.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
hook_script /tmp/hooks.log '$* client_ip=$HOSTP2PD_CLIENT_IP'
daemon_go autonomous pbc "run_program: /tmp/hook.sh"
check daemon-sets-go-ip wait_go_ip 10
check eapol-set-up quiet wait_ev hostp2pd "IP address allocation in the 4-way handshake set up" 5
GO_IP=${GO_IP:-$LAB_NET.1}

m=$(lines ph1)
find_join 1 ph1-join-pbc --method pbc
PL=$(wait_ev ph1 'P2P-GROUP-STARTED .* client ' 5 $m)
log "phone: $PL"
EIP=$(field "$PL" ip_addr)
check eapol-phone-has-ip is_in_net "$EIP"
check eapol-go-ip-is-ours [ "$(field "$PL" go_ip_addr)" = "$GO_IP" ]
check eapol-go-sees-ip quiet wait_ev go "AP-STA-CONNECTED .*ip_addr=$EIP" 5

check ph1-dhcp-renew ph 1 dhcp --renew 5
DIP=$(pf ip)
check dhcp-equals-eapol [ -n "$DIP" -a "$DIP" = "$EIP" ]
check renewals-answered [ "$(pf answered)" = 5 ]
check renewals-no-broadcast-rebind [ "$(pf rebinds)" = 0 ]
check renewals-within-1s [ "$(pf renew_ms_max)" -lt 1000 ]
story "phone-1 had $EIP from the 4-way handshake, DHCP gave $DIP; 5 renewals, slowest $(pf renew_ms_max) ms, $(pf rebinds) rebinds"
J=$(hp_json)
check status-has-client-ip [ "$(client_ip "$J" 42:00:00:00:01:00)" = "$EIP" ]
check hook-connect-has-ip grep -q "^connect 42:00:00:00:01:00 .* client_ip=$EIP" /tmp/hooks.log
check hook-ip-event grep -q "^ip 42:00:00:00:01:00 $EIP $GIF" /tmp/hooks.log
sed 's/^/  hooks| /' /tmp/hooks.log

# A rival: phone 2 joins and serves DHCP on the group; phone 1 asks again.
m=$(lines ph2)
find_join 2 ph2-join-pbc --method pbc
P2L=$(wait_ev ph2 'P2P-GROUP-STARTED .* client ' 5 $m)
P2GIF=$(group_ifname "$P2L")
RIP=$(field "$P2L" ip_addr)
[ -n "$RIP" ] || RIP=$LAB_NET.99
ip -n ph2 addr add "$RIP/24" dev "$P2GIF" 2>/dev/null
cat >/tmp/rival.conf <<CONF
interface $P2GIF
start $LAB_NET.230
end $LAB_NET.240
lease_file /tmp/rival.leases
option subnet 255.255.255.0
CONF
: >/tmp/rival.leases
ip netns exec ph2 udhcpd -f /tmp/rival.conf >/tmp/rival.log 2>&1 &
sleep 0.5
P1GIF=$(group_ifname "$PL")
ip netns exec ph1 udhcpc -i "$P1GIF" -n -q -t 3 -T 1 -s /bin/true >/tmp/rival-client.log 2>&1
sed 's/^/  rival-client| /' /tmp/rival-client.log
check rival-named quiet wait_ev hostp2pd "another DHCP server answers on the group interface.*server_id=$RIP" 5
grep "another DHCP server" /tmp/hostp2pd.log | head -n 2 | sed 's/^/  log| /'
lab_exit
