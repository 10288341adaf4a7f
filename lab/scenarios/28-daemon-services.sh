#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON, issue 18: service discovery before joining and mDNS after.
# hostp2pd advertises Kiosk._http._tcp (port 80, path=/) and a UPnP
# ContentDirectory.  ph1 asks like an Android app (WifiP2pManager
# addServiceRequest + discoverServices: one P2P_SERV_DISC_REQ with a Bonjour
# PTR, a Bonjour TXT and a UPnP TLV, then p2p_find) and must get all three
# records; it joins with the PIN, takes a lease, and resolves
# Kiosk._http._tcp.local (PTR → SRV, TXT, A; QM) and hostp2pd.local (A;
# QU) over mDNS from its namespace: both at the GO address.
# Timing: then the daemon stops, and a scripted GO (no daemon) registers
# the very P2P_SERVICE_ADD lines the daemon sent (from its -vv log) and
# runs the same autonomous group; ph1 asks SD_RUNS times against each.
# STORY sd prints both series (req_ms: request → response, found_ms:
# the GO's P2P-DEVICE-FOUND → response).
. /lab/lib.sh

SD_RUNS=${SD_RUNS:-3}
SD_ARGS="--service _http._tcp --instance Kiosk --upnp urn:schemas-upnp-org:service:ContentDirectory:1"

go_start
phone_up 1
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
services:
  - dns_sd: {instance: "Kiosk", type: "_http._tcp", port: 80, txt: ["path=/"]}
  - upnp: "urn:schemas-upnp-org:service:ContentDirectory:1"
YAML
need daemon-group-started go_group 30
wait_go_ip 10; GO_IP=${GO_IP:-$LAB_NET.1}
need daemon-registered-services quiet grep -q "services advertised for P2P service discovery" /tmp/hostp2pd.log

# sd_series NAME: SD_RUNS service discoveries from a fresh peer table; sets
# NAME_REQ / NAME_FOUND (space-separated ms) and checks every answer
sd_series() {
	local i=1 req="" found=""
	while [ $i -le $SD_RUNS ]; do
		wcli p2p-dev-wlan1 p2p_flush >/dev/null
		if ph 1 sd $SD_ARGS --go $GO_DEV; then
			check $1-sd$i-ptr [ "$(pf ptr)" = "Kiosk._http._tcp.local" ]
			check $1-sd$i-txt [ "$(pf txt)" = "path=/" ]
			check $1-sd$i-upnp [ "$(pf upnp_resp)" = "urn:schemas-upnp-org:service:ContentDirectory:1" ]
			req="$req $(pf req_ms)" found="$found $(pf found_ms)"
		else
			fail $1-sd$i "no complete service discovery response"
		fi
		i=$((i + 1))
	done
	eval "${1}_REQ='$req' ${1}_FOUND='$found'"
}
median() { echo $* | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
# counted NAME: the daemon's status counts NAME at least once
counted() { hp_json | grep -q "\"$1\":[1-9]"; }

sd_series daemon
check daemon-counted-requests counted sd_requests

# after joining: mDNS on the group
need ph1-find ph 1 find $GO_DEV
need ph1-join-keypad ph 1 join --method keypad --pin $LAB_PIN
need ph1-dhcp ph 1 dhcp
if ph 1 mdns --service _http._tcp --instance Kiosk; then
	check mdns-instance [ "$(pf instance)" = "Kiosk._http._tcp.local" ]
	check mdns-srv-target-port [ "$(pf target):$(pf port)" = "hostp2pd.local:80" ]
	check mdns-txt [ "$(pf txt)" = "path=/" ]
	check mdns-instance-addr [ "$(pf addr)" = "$GO_IP" ]
else
	fail mdns-service "Kiosk._http._tcp.local not resolved (QM)"
fi
if ph 1 mdns --host hostp2pd --qu; then
	check mdns-host-addr [ "$(pf host_addr)" = "$GO_IP" ]
else
	fail mdns-host "hostp2pd.local not resolved (QU)"
fi
check daemon-answered-mdns counted mdns_answers
story "services: Kiosk._http._tcp + UPnP found before joining (median $(median $daemon_REQ) ms); after joining Kiosk._http._tcp.local and hostp2pd.local resolve to $GO_IP over mDNS"
ph 1 leave >/dev/null

# the oracle: a scripted GO with the same registrations, no daemon
grep -o 'P2P_SERVICE_ADD [^"]*' /tmp/hostp2pd.log | sort -u >/tmp/sd-adds
kill $DAEMON_PID; wait $DAEMON_PID 2>/dev/null; DAEMON_PID=
i=0; while [ -S $CTRL/$GIF ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S $CTRL/$GIF ] && wcli p2p-dev-wlan0 p2p_group_remove $GIF >/dev/null
check oracle-same-registrations [ "$(wc -l </tmp/sd-adds)" -eq 3 ]
wcli p2p-dev-wlan0 p2p_service_flush >/dev/null
while read -r cmd kind rest; do
	wcli_ok p2p-dev-wlan0 p2p_service_add $kind $rest || fail oracle-service-add "$kind $rest"
done </tmp/sd-adds
m=$(lines go)
wcli_ok p2p-dev-wlan0 p2p_group_add
need oracle-group-started go_group 20 $m
sd_series oracle
# Why hostp2pd registers the TXT key lower-cased: Android asks for the TXT
# of kiosk._http._tcp.local, and wpa_supplicant matches names
# case-sensitively, so a key "Other" (as written) is not found (status 2).
wcli_ok p2p-dev-wlan0 p2p_service_add bonjour 054f74686572055f68747470045f746370056c6f63616c00001001 00
wcli p2p-dev-wlan1 p2p_flush >/dev/null
ph 1 sd --service _http._tcp --instance Other --go $GO_DEV
check oracle-txt-key-case-sensitive sh -c "echo '$PHONE_LAST' | grep -q 'txt_status:2'"
story "sd daemon req_ms:$daemon_REQ found_ms:$daemon_FOUND | oracle req_ms:$oracle_REQ found_ms:$oracle_FOUND | median req $(median $daemon_REQ) vs $(median $oracle_REQ) ms, found $(median $daemon_FOUND) vs $(median $oracle_FOUND) ms"
lab_exit
