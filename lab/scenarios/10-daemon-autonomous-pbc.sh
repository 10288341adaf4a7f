#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON (a): hostp2pd as an autonomous GO, one phone joins with PBC, gets a
# lease from the daemon's DHCP server and pings the GO both ways; it leaves
# and joins again (the autonomous group must stay up in between).
. /lab/lib.sh

go_start
phone_up 1
t=$(now)
daemon_go autonomous pbc
story "group $GO_SSID up on $GO_FREQ MHz (hostp2pd, autonomous) $(dt $t) s after start"
check daemon-ctl-socket [ -S /run/hostp2pd.sock ]
# The lab kernel (Debian's) backs anonymous memory with huge pages
# ("always"): the daemon runs with them off (cmd/hostp2pd/thp_linux.go).
if grep -q '\[always\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
	check daemon-no-huge-pages grep -Eq '^THP_enabled:[[:space:]]+0' /proc/$DAEMON_PID/status
fi
check daemon-sets-go-ip wait_go_ip 10
# The preflight check against the real wpa_supplicant on hwsim: no failure.
check doctor-passes sh -c "/usr/local/bin/hostp2pd doctor -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml > /tmp/doctor.out 2>&1"
sed "s/^/  doctor| /" /tmp/doctor.out
log "GO address: ${GO_IP:=$LAB_NET.1}"

m=$(lines go)
find_join 1 ph1-join-pbc --method pbc
J=$(pf ms)
check go-sees-ph1 quiet wait_ev go "AP-STA-CONNECTED .*p2p_dev_addr=42:00:00:00:01:00" 10 $m
dhcp_ping 1 ph1-dhcp ph1-ping-go 3
IP1=$LEASE P=$(pf recv)/$(pf sent)
check ph1-lease-in-subnet is_in_net "$IP1"
check go-ping-ph1 quiet ping -c 2 -W 2 "$IP1"
story "phone-1 joined with PBC in $(secs $J) s, got $IP1, ping $P"

check ph1-leave ph 1 leave
sleep 2
check group-stays-up-when-empty go_group_up "$GIF"
check ph1-rejoin-pbc ph 1 join --method pbc
check ph1-dhcp-again ph 1 dhcp
check ph1-same-lease [ "$(pf ip)" = "$IP1" ]
check ph1-ping-again ph 1 ping $GO_IP -c 2
lab_exit
