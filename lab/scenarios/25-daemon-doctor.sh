#!/bin/sh
# lab-radios: 2
# lab-timeout: 90
# `hostp2pd doctor` (no daemon running) on the lab GO radio, in five
# situations: idle; a wpa_cli attached to the P2P device; wlan0 associated as
# a station to an AP on channel 6 (radio 1, wpa_supplicant in AP mode); an
# AP interface uap0 added on the GO radio: it must pass, say what it saw,
# and create nothing.  Then wpa_supplicant with p2p_disabled=1: it must
# fail and say why.
. /lab/lib.sh

go_start
cat >/etc/hostp2pd.yaml <<YAML
dhcp:
  enabled: true
YAML
doc() {
	hostp2pd doctor -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml >/tmp/doctor.out 2>&1
	DOC_RC=$?
	sed "s/^/  doctor($1)| /" /tmp/doctor.out
	return $DOC_RC
}
saw() { grep -qE "$1" /tmp/doctor.out || { log "doctor output lacks /$1/"; return 1; }; }
tree() { find /etc /run /var /tmp -xdev 2>/dev/null | grep -v '^/tmp/doctor.out$' | sort; }

# 1. idle
before=$(tree)
check doctor-idle-passes doc idle
after=$(tree)
check doctor-creates-nothing [ "$before" = "$after" ]
[ "$before" = "$after" ] || { echo "$before" >/tmp/t1; echo "$after" >/tmp/t2; diff /tmp/t1 /tmp/t2 | sed 's/^/  tree| /'; }
check doctor-radio-p2p saw '^ok +radio +phy0: P2P-GO and P2P-device supported'
check doctor-country-00 saw '^warn +country +wpa_supplicant has no country=; kernel regulatory domain 00'
check doctor-channel-social saw '^ok +channel +hostp2pd starts groups on 2412 MHz'
check doctor-ap-allowed saw '^ok +AP \+ P2P-GO +no AP interface on phy0; an AP next to the group is allowed'
check doctor-no-nmcli saw 'unknown: nmcli not found'
check doctor-no-other-clients saw '^ok +other P2P drivers'

# 2. another control client
wpa_cli -p $CTRL -i p2p-dev-wlan0 -a /bin/true -B -P /tmp/wpacli.pid >/dev/null
sleep 0.5
doc wpa_cli
check doctor-sees-wpa_cli saw '^warn +other P2P drivers +wpa_cli \(pid [0-9]+: wpa_cli -p /var/run/wpa_supplicant -i p2p-dev-wlan0'
kill "$(cat /tmp/wpacli.pid)" 2>/dev/null

# 3. wlan0 is a station of an AP on channel 6 (hwsim: one channel)
cat >/tmp/ap.conf <<CONF
ctrl_interface=DIR=/tmp/apctrl
p2p_disabled=1
network={
	ssid="uplink"
	mode=2
	frequency=2437
	key_mgmt=NONE
}
CONF
wpa_supplicant -B -Dnl80211 -i wlan1 -c /tmp/ap.conf -f /tmp/ap.log -P /tmp/ap.pid
id=$(wcli wlan0 add_network)
wcli_ok wlan0 set_network "$id" ssid '"uplink"' && wcli_ok wlan0 set_network "$id" key_mgmt NONE &&
	wcli_ok wlan0 set_network "$id" scan_freq 2437 && wcli_ok wlan0 select_network "$id"
need station-associated wait_ev go 'CTRL-EVENT-CONNECTED' 20
doc station
check doctor-channel-station saw '^ok +channel +hostp2pd starts groups on 2437 MHz: wlan0 is a station on 2437 MHz and phy0 allows one channel'

# 4. an AP interface on the GO radio (the uap0 case; hwsim's combinations allow it)
iw phy phy0 interface add uap0 type __ap
doc uap0
check doctor-sees-uap0 saw '^ok +AP \+ P2P-GO +AP interface uap0 is up on phy0; the combinations allow a P2P-GO next to it'
iw dev uap0 del

# 5. an interface without P2P (p2p_disabled=1): doctor fails and says so
kill "$(cat /tmp/go.pid)"
i=0; while [ -S $CTRL/wlan0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'ctrl_interface=DIR=%s\np2p_disabled=1\n' $CTRL >/tmp/nop2p.conf
wpa_supplicant -B -Dnl80211 -i wlan0 -c /tmp/nop2p.conf -f /tmp/nop2p.log -P /tmp/nop2p.pid
i=0; while [ ! -S $CTRL/wlan0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
hostp2pd doctor -i wlan0 -c /etc/hostp2pd.yaml >/tmp/doctor.out 2>&1
DOC_RC=$?
sed "s/^/  doctor(no-p2p)| /" /tmp/doctor.out
check doctor-no-p2p-fails [ $DOC_RC = 1 ]
check doctor-no-p2p-says-why saw '^FAIL +p2p device +wlan0 has no p2p_device_address'
# the replies a start check sees on such an interface
wcli wlan0 status | sed 's/^/  no-p2p status| /'
echo "  no-p2p p2p_group_add| $(wcli wlan0 p2p_group_add)"
lab_exit
