#!/bin/sh
# lab-radios: 2
# lab-channels: 2
# lab-timeout: 110
# DAEMON: real boxes (issue 15).  hwsim radios with channels=2, so the GO
# radio could run its group on another channel than its station.
# (a) wlan0 is a station of a hostapd AP on channel 1 (radio 1): the daemon's
#     channel policy puts the group on 2412 MHz and says why;
# (b) wpa_supplicant restarted after wlan0's MAC was changed (while down):
#     the P2P device address differs from the one in the state file, one
#     ERROR names both, and the status shows the change;
# (c) wpa_supplicant with p2p_disabled=1: hostp2pd refuses at start with the
#     reason and exits 2 (no retrying for ever).
. /lab/lib.sh

# wait_file_grep FILE REGEX S: wait up to S seconds for REGEX in FILE
wait_file_grep() {
	local i=0
	while [ $i -lt $(($3 * 5)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.2; i=$((i + 1))
	done
	return 1
}

# (a) ---------------------------------------------------------------------
cat >/tmp/hostapd.conf <<CONF
interface=wlan1
driver=nl80211
ctrl_interface=/tmp/hostapd
ssid=uplink
hw_mode=g
channel=1
CONF
hostapd -B -P /tmp/hostapd.pid -f /tmp/hostapd.log /tmp/hostapd.conf >/dev/null 2>&1
check hostapd-up wait_file_grep /tmp/hostapd.log 'AP-ENABLED' 10
go_start
id=$(wcli wlan0 add_network)
wcli_ok wlan0 set_network "$id" ssid '"uplink"' && wcli_ok wlan0 set_network "$id" key_mgmt NONE &&
	wcli_ok wlan0 set_network "$id" scan_freq 2412 && wcli_ok wlan0 select_network "$id"
need station-associated wait_ev go 'CTRL-EVENT-CONNECTED' 20
iw dev wlan0 info | sed 's/^/  iw wlan0| /'
iw phy phy0 info | grep -A3 'valid interface combinations' | sed 's/^/  iw phy0| /'

YAML_CONF="activate_persistent_group: true
activate_autonomous_group: false
ctl_socket: /run/hostp2pd.sock
dhcp:
  enabled: true"
echo "$YAML_CONF" | daemon_start || lab_exit
need daemon-group-started go_group 30
log "channel policy: $(grep -m1 'channel policy' /tmp/hostp2pd.log)"
check group-on-2412 [ "$GO_FREQ" = 2412 ]
check policy-asked-2412 grep -q 'cmd="P2P_GROUP_ADD persistent freq=2412"' /tmp/hostp2pd.log
check hwsim-two-channels eval 'iw phy phy0 info | grep -q "#channels <= 2"'
check policy-says-station grep -q 'channel policy.*freq=2412.*the one wlan0 is a station on' /tmp/hostp2pd.log
check country-warning grep -q 'level=WARNING msg="no regulatory country" country=00' /tmp/hostp2pd.log
check status-radio wait_json '"radio":\{"device_address":"42:00:00:00:00:00"' 5
check state-file grep -q '"p2p_device_address": "42:00:00:00:00:00"' /var/lib/hostp2pd/state-p2p-dev-wlan0.json
check state-file-freq wait_file_grep /var/lib/hostp2pd/state-p2p-dev-wlan0.json '"freq": 2412' 5
story "station of a hostapd AP on channel 1 (hwsim channels=2): group on $GO_FREQ MHz: $(sed -n 's/.*msg="channel policy".*why="\([^"]*\)".*/\1/p' /tmp/hostp2pd.log | head -n1)"

# (b) ---------------------------------------------------------------------
kill "$(cat /tmp/go.pid)"
i=0; while [ -S $CTRL/p2p-dev-wlan0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set wlan0 down
ip link set wlan0 address 02:00:00:00:00:5a
ip link set wlan0 up
go_start
wcli p2p-dev-wlan0 status | grep p2p_device_address | sed 's/^/  new supplicant| /'
NEWADDR=$(wcli p2p-dev-wlan0 status | sed -n 's/^p2p_device_address=//p')
check new-device-address eval '[ -n "$NEWADDR" ] && [ "$NEWADDR" != "$GO_DEV" ]'
check daemon-error-names-both wait_file_grep /tmp/hostp2pd.log "level=ERROR msg=\"the P2P device address changed.*old=$GO_DEV new=$NEWADDR" 15
check error-names-fix grep -q 'P2P device address changed.*p2p_device_random_mac_addr=2.*brcmfmac' /tmp/hostp2pd.log
check one-error [ "$(grep -c 'P2P device address changed' /tmp/hostp2pd.log)" = 1 ]
check status-address-changed wait_json "\"address_changed\":\{\"old\":\"$GO_DEV\",\"new\":\"$NEWADDR\"" 10
check metric-counter wait_json '"device_address_changes":1' 5
grep 'P2P device address changed' /tmp/hostp2pd.log | cut -c1-400 | sed 's/^/  error| /'
story "wpa_supplicant restarted with wlan0's MAC changed: P2P device $GO_DEV -> $NEWADDR, one ERROR with both"

# (c) ---------------------------------------------------------------------
check daemon-stop quiet hostp2pd -i p2p-dev-wlan0 -t
DAEMON_PID=
kill "$(cat /tmp/go.pid)"
i=0; while [ -S $CTRL/wlan0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'ctrl_interface=DIR=%s\np2p_disabled=1\n' $CTRL >/tmp/nop2p.conf
wpa_supplicant -B -Dnl80211 -i wlan0 -c /tmp/nop2p.conf -f /tmp/nop2p.log -P /tmp/nop2p.pid
i=0; while [ ! -S $CTRL/wlan0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t=$(now)
timeout 20 /usr/local/bin/hostp2pd -i wlan0 -c /etc/hostp2pd.yaml -b /tmp/nop2p-daemon.log >/tmp/nop2p-daemon.out 2>&1 </dev/null
RC=$?
sed 's/^/  no-p2p daemon| /' /tmp/nop2p-daemon.log | grep -v 'level=DEBUG' | cut -c1-300
check no-p2p-exit-2 [ "$RC" = 2 ]
check no-p2p-says-why grep -q "level=ERROR msg=\"wpa_supplicant's interface has no P2P" /tmp/nop2p-daemon.log
check no-p2p-no-group-add not grep -q 'P2P_GROUP_ADD' /tmp/nop2p-daemon.log
check no-p2p-no-ready not grep -q 'session ready' /tmp/nop2p-daemon.log
story "wpa_supplicant with p2p_disabled=1: hostp2pd -i wlan0 refused in $(dt $t) s, exit $RC"
lab_exit
