#!/bin/sh
# lab-radios: 2
# lab-timeout: 300
# DAEMON resilience: the GO's wpa_supplicant is killed with SIGKILL five
# times during a session and restarted the same way each time (like systemd
# would).  hostp2pd must stay up (same pid), reconnect, bring its autonomous
# group back, and a phone must be able to join again each time (keypad PIN,
# DHCP, ping).  STORY restore k=N group_restored_ms=M: from the restart of
# wpa_supplicant to its P2P-GROUP-STARTED.
. /lab/lib.sh
KILLS=${KILLS:-5}

go_start
phone_up 1
daemon_go autonomous keypad
go_addr
find_join 1 ph1-join --method keypad --pin $LAB_PIN
check ph1-dhcp ph 1 dhcp

k=0 SUM=0 MAX=0 OK=0
while [ $k -lt $KILLS ]; do
	k=$((k + 1))
	cp /tmp/go.log /tmp/go-before-k$k.txt
	kill -9 "$(cat /tmp/go.pid)"
	sleep 1
	t=$(now)
	go_start || { fail k$k-supplicant-restart; break; }
	if ! go_group 30; then
		fail k$k-group-restored "no P2P-GROUP-STARTED 30 s after restart $k"
		break
	fi
	ms=$(ms_since $t)
	pass k$k-group-restored "$GIF $GO_SSID after ${ms} ms"
	story "restore k=$k group_restored_ms=$ms group=$GIF ssid=$GO_SSID"
	SUM=$((SUM + ms)); [ $ms -gt $MAX ] && MAX=$ms
	check k$k-daemon-same-pid eval 'kill -0 $DAEMON_PID && [ "$(daemon_pidfile_pid)" = "$DAEMON_PID" ]'
	check k$k-go-ip wait_go_ip 10
	GO_IP=${GO_IP:-$LAB_NET.1}
	# the phone's old group is dead: leave it (if the phone still has it)
	ph 1 leave >/dev/null 2>&1
	check k$k-ph1-find ph 1 find $GO_DEV || continue
	check k$k-ph1-join ph 1 join --method keypad --pin $LAB_PIN || continue
	J=$(pf ms)
	check k$k-ph1-in-new-group [ "$(pf ssid)" = "$GO_SSID" ]
	check k$k-ph1-dhcp ph 1 dhcp || continue
	IP=$(pf ip)
	check k$k-ph1-ping ph 1 ping $GO_IP -c 2 && OK=$((OK + 1))
	story "after kill $k: phone-1 joined in $(secs $J) s, got $IP"
done
log "netdevs now: $(iw dev | sed -n 's/.*Interface //p' | tr '\n' ' ')"
check all-rounds-ok [ $OK -eq $KILLS ]
[ $k -gt 0 ] && story "$KILLS x kill -9 of wpa_supplicant: group restored avg $((SUM / k)) ms, max $MAX ms; daemon pid $DAEMON_PID unchanged; $OK/$KILLS rejoins ok"
lab_exit
