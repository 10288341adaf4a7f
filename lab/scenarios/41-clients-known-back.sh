#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# CLIENTS (issue 13 item 3): a known phone comes back by itself.  An Android
# phone joins the persistent group, leaves, and later only opens its Wi-Fi
# Direct screen (p2p_find): hostp2pd notices it (P2P_PEER age of its Probe
# Requests) and invites it back (P2P_INVITE group=... peer=...), the
# phone's supplicant accepts the re-invocation (persistent_reconnect=1).
# After `hostp2pd forget`, it is no longer invited.
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
need ph1-find ph 1 --client android find $GO_DEV
need ph1-join-persistent ph 1 --client android join --method pbc --persistent
check ph1-known wait_json '"known":\["42:00:00:00:01:00"\]' 5
T=""
ok=0 n=0
while [ $n -lt 3 ]; do
	n=$((n + 1))
	check ph1-leave-$n ph 1 leave
	sleep 5
	m=$(lines go)
	if check ph1-back-$n ph 1 --client android search --timeout 10s; then
		ok=$((ok + 1)); T="$T $(pf ms)"
		check ph1-back-same-ssid-$n [ "$(pf ssid)" = "$GO_SSID" ]
	fi
done
check daemon-invited-known quiet grep -q "a known phone searches again: inviting it back" /tmp/hostp2pd.log
check forget hp forget 42:00:00:00:01:00
check forget-removed-client quiet grep -q "P2P_REMOVE_CLIENT 42:00:00:00:01:00" /tmp/hostp2pd.log
check not-known-after-forget not wait_json '"known":\[' 2
ph 1 leave >/dev/null 2>&1
sleep 4
check ph1-not-invited-after-forget not ph 1 --client android search --timeout 6s
story "known phone-1 came back by itself $ok/$n times, ms from p2p_find to group:$T; after forget it is not invited"
lab_exit
