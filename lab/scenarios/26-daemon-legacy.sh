#!/bin/sh
# lab-radios: 3
# lab-timeout: 170
# DAEMON: join without WPS. Radio 1 is a legacy station (wpa_supplicant with
# p2p_disabled=1: an iPhone or a laptop), radio 2 a P2P phone.
# (c) autonomous group: the legacy station joins with the SSID and passphrase
#     read from status --json, gets a lease, pings the GO, shows in status as
#     "legacy"; hostp2pd qr --png is printed for the host to decode (QRPNG);
#     a wrong passphrase does not associate; the P2P phone joins with the
#     keypad PIN in the same run (join times compared in a STORY line).
# (a) restart in persistent mode: the README's predefined DIRECT-PP-group
#     block (no bssid line, in the GO's wpa_supplicant.conf) is reused, given
#     bssid=<P2P device address>, and no second network is stored; the legacy
#     station joins it with the block's passphrase.
# (d) hostp2pd rotate on that group: the old passphrase fails, the new joins.
# (b) restart with network_parms (persistent mode, no stored group): the
#     group has the user's SSID and passphrase; the legacy station joins it.
. /lab/lib.sh

go_start 'network={
	ssid="DIRECT-PP-group"
	mode=3
	disabled=2
	key_mgmt=WPA-PSK
	proto=RSN
	pairwise=CCMP
	psk="readme-passphrase"
}'
legacy_up 1
phone_up 2
# autonomous GO, PIN; legacy stations join with the passphrase
daemon_go autonomous pin
# per_sta_psk is on by default: the legacy station must still join with
# the group passphrase (hostapd_get_psk offers the group PSK to everyone).
check_ctrl "D-Bus 2.10 has no per_sta_psk (backend: dbus needs per_sta_psk: false)" daemon-per-sta-psk-by-default quiet grep -q "P2P_SET per_sta_psk 1" /tmp/hostp2pd.log
check daemon-sets-go-ip wait_go_ip 10
GO_IP=${GO_IP:-$LAB_NET.1}
check status-has-passphrase wait_json '"passphrase":"[^"]{8,}"' 5
SSID=$(json_group_str ssid)
PASS=$(json_group_str passphrase)
BSSID=$(json_group_str bssid)
GADDR=$(cat /sys/class/net/$GIF/address 2>/dev/null)
check status-ssid-is-the-groups [ "$SSID" = "$GO_SSID" ]
check status-bssid-is-group-iface-address [ -n "$BSSID" -a "$BSSID" = "$GADDR" ]
check status-go-ip wait_json "\"go_ip\":\"$GO_IP\"" 2
check log-has-no-passphrase not grep -q -- "$PASS" /tmp/hostp2pd.log
check qr-png hp qr --png /tmp/qr.png
echo "QRPNG $(base64 -w0 /tmp/qr.png)"
echo "QRWANT $(printf %s "$SSID" | base64 -w0) $(printf %s "$PASS" | base64 -w0)"
check qr-terminal sh -c "/usr/local/bin/hostp2pd qr -c /etc/hostp2pd.yaml | grep -q '█'"

m=$(lines go)
need ph1-legacy-join ph 1 --client legacy join --ssid "$SSID" --passphrase "$PASS"
LJ=$(pf ms)
check go-sees-station-without-p2p-ie quiet wait_ev go "AP-STA-CONNECTED ([0-9a-f]{2}:){5}[0-9a-f]{2}\$" 10 $m
check ph1-dhcp ph 1 dhcp
LD=$(pf ms); IP1=$(pf ip)
check ph1-lease-in-subnet is_in_net "$IP1"
check ph1-ping-go ph 1 ping $GO_IP -c 3
check status-lists-legacy wait_json '"iface_addr":"[0-9a-f:]*","name":"legacy","ip":"'"$IP1"'"' 5
story "legacy station joined $SSID with the passphrase (no WPS) in $(secs $LJ) s, lease $IP1 in $(secs $LD) s, ping $(pf recv)/$(pf sent)"

need ph2-find ph 2 find $GO_DEV
need ph2-join-keypad ph 2 join --method keypad --pin 12345670
KJ=$(pf ms)
check ph2-dhcp ph 2 dhcp
KD=$(pf ms)
check ph2-ping-go ph 2 ping $GO_IP -c 2
story "join to lease: legacy association $(secs $LJ) s + DHCP $(secs $LD) s; P2P keypad join $(secs $KJ) s + DHCP $(secs $KD) s"

# hostp2pd disconnect of a legacy station with per_sta_psk on: it holds the
# group passphrase, so it comes back by itself and is removed each time.
LSTA=$(hp_json | sed -n 's/.*"iface_addr":"\([0-9a-f:]*\)","name":"legacy".*/\1/p')
m=$(lines go)
check disconnect-legacy hp disconnect $LSTA
check_ctrl "DEAUTHENTICATE has no D-Bus equivalent in 2.10: a legacy station cannot be removed" go-drops-legacy quiet wait_ev go "AP-STA-DISCONNECTED $LSTA" 10 $m
sleep 10
N=$(tail -n +$((m + 1)) /tmp/go.log | grep -c "AP-STA-CONNECTED $LSTA")
check_ctrl "DEAUTHENTICATE has no D-Bus equivalent in 2.10" legacy-not-listed-again eval '! hp_json | grep -q "\"iface_addr\":\"$LSTA\""'
story "legacy station $LSTA after 'hostp2pd disconnect' (per_sta_psk on): associated again $N times in 10 s with the group passphrase, removed each time"

check ph1-legacy-leave ph 1 --client legacy leave
check ph1-wrong-passphrase-refused not ph 1 --client legacy join --ssid "$SSID" --passphrase "not-the-passphrase" --timeout 20s

# (a) the README's predefined block, reused as it is (plus bssid).
check daemon-stops sh -c "/usr/local/bin/hostp2pd -i p2p-dev-wlan0 -t >/dev/null"
sleep 1
# persistent group from the predefined wpa_supplicant.conf block
daemon_up persistent pin || lab_exit
need daemon-reuses-predefined-block wait_json '"ssid":"DIRECT-PP-group"' 30
check predefined-block-passphrase [ "$(json_group_str passphrase)" = "readme-passphrase" ]
check_ctrl "the check reads the GO through wpa_cli, and the GO has no control socket" predefined-block-given-bssid [ "$(wcli p2p-dev-wlan0 get_network 0 bssid)" = "$GO_DEV" ]
need ph1-legacy-join-predefined ph 1 --client legacy join --ssid DIRECT-PP-group --passphrase readme-passphrase
check ph1-dhcp-predefined ph 1 dhcp
check ph1-ping-go-predefined ph 1 ping $GO_IP -c 2
check_ctrl "the check reads the GO through wpa_cli, and the GO has no control socket" no-second-network-stored [ "$(go_persistent_nets | wc -l)" -eq 1 ]
go_persistent_nets | sed 's/^/  networks| /'
check ph1-legacy-leave-predefined ph 1 --client legacy leave

if is_dbus; then
	# Over D-Bus SET_NETWORK psk and SAVE_CONFIG answer OK and the group
	# restarts, but `hostp2pd rotate` reports a failure there (not diagnosed
	# yet); the rest inspects and empties the GO's networks through wpa_cli.
	echo "CHECK SKIP rotate (backend=dbus: hostp2pd rotate fails over D-Bus, not diagnosed)"
	echo "CHECK SKIP network-parms (backend=dbus: the scenario removes the GO's networks through wpa_cli)"
	lab_exit
fi

# (d) hostp2pd rotate: the old passphrase no longer associates, the new one
# does; only the psk of the network changed in the GO's wpa_supplicant.conf
# (wpa_supplicant itself writes auth_alg=OPEN, the default, when it stores
# the restarted group: ignored).
grep -v -e 'psk=' -e 'auth_alg=OPEN' /tmp/go.conf >/tmp/go.conf.before
check rotate sh -c "/usr/local/bin/hostp2pd rotate -c /etc/hostp2pd.yaml >/tmp/rotate.out 2>&1"
sed 's/^/  rotate| /' /tmp/rotate.out | grep -v passphrase
NEWPASS=$(sed -n 's/^passphrase: "\(.*\)"$/\1/p' /tmp/rotate.out)
check rotate-new-passphrase [ ${#NEWPASS} -eq 16 -a "$NEWPASS" != readme-passphrase ]
check rotate-status-shows-it wait_json "\"passphrase\":\"$NEWPASS\"" 10
grep -v -e 'psk=' -e 'auth_alg=OPEN' /tmp/go.conf >/tmp/go.conf.after
check rotate-only-psk-changed cmp -s /tmp/go.conf.before /tmp/go.conf.after
diff /tmp/go.conf.before /tmp/go.conf.after | sed 's/^/  conf-diff| /'
check rotate-psk-saved grep -q "psk=\"$NEWPASS\"" /tmp/go.conf
check rotate-one-network [ "$(go_persistent_nets | wc -l)" -eq 1 ]
check old-passphrase-refused not ph 1 --client legacy join --ssid DIRECT-PP-group --passphrase readme-passphrase --timeout 20s
need ph1-legacy-join-rotated ph 1 --client legacy join --ssid DIRECT-PP-group --passphrase "$NEWPASS"
check ph1-dhcp-rotated ph 1 dhcp
RIP=$(pf ip)
check ph1-ping-go-rotated ph 1 ping $GO_IP -c 2
story "rotate: the old passphrase is refused, the new one joins (lease $RIP)"
check ph1-legacy-leave-rotated ph 1 --client legacy leave

# (b) network_parms: the user's SSID and passphrase; no persistent group stored.
check daemon-stops-again sh -c "/usr/local/bin/hostp2pd -i p2p-dev-wlan0 -t >/dev/null"
sleep 1
wcli_ok p2p-dev-wlan0 remove_network all
# persistent group from network_parms
daemon_up persistent pin "network_parms:" '  - ssid "DIRECT-PP-lab"' '  - psk "lab-pass;phrase"' \
	"  - proto RSN" "  - key_mgmt WPA-PSK" "  - pairwise CCMP" || lab_exit
need daemon-group-from-network-parms wait_json '"ssid":"DIRECT-PP-lab"' 30
check network-parms-passphrase [ "$(json_group_str passphrase)" = "lab-pass;phrase" ]
need ph1-legacy-join-network-parms ph 1 --client legacy join --ssid DIRECT-PP-lab --passphrase "lab-pass;phrase"
check ph1-dhcp-network-parms ph 1 dhcp
check ph1-ping-go-network-parms ph 1 ping $GO_IP -c 2
check network-parms-one-network [ "$(go_persistent_nets | wc -l)" -eq 1 ]
story "legacy station joined the network_parms group DIRECT-PP-lab in $(pf ms) ms (DHCP)"
lab_exit
