#!/bin/sh
# lab-radios: 3
# lab-timeout: 200
# ORACLE: no daemon.  The GO side is played by this script (wpa_cli against
# the GO's wpa_supplicant, busybox udhcpd), so this scenario proves that the
# lab and the phone simulator work, independently of hostp2pd.
#   GO:  p2p_group_add; udhcpd on the group interface
#   ph1: find by device name; PBC join (GO pre-armed with wps_pbc); DHCP; ping
#   ph2: find by device address; keypad join (GO armed: wps_pin any PIN);
#        DHCP; ping; leave; display join (the GO "types" the phone's PIN)
#   persistent: the GO re-creates its group as persistent; ph1 joins with
#        --persistent, leaves, and re-invokes the group (p2p_invite): no WPS
. /lab/lib.sh

go_start
phone_up 1
phone_up 2

t=$(now)
wcli_ok p2p-dev-wlan0 p2p_group_add
check go-group-started go_group 20
story "group $GO_SSID up on $GO_FREQ MHz (oracle: wpa_cli, autonomous) after $(dt $t) s"
go_dhcpd

# --- ph1: PBC -----------------------------------------------------------------
check ph1-find-by-name ph 1 find $GO_NAME
check ph1-found-right-peer [ "$(pf peer)" = $GO_DEV ]
m=$(lines go)
wcli_ok $GIF wps_pbc
check ph1-join-pbc ph 1 join --method pbc
story "phone-1 joined with PBC in $(secs $(pf ms)) s ($(pf group), $(pf ssid), $(pf freq) MHz)"
check go-sees-ph1 quiet wait_ev go "AP-STA-CONNECTED .*p2p_dev_addr=42:00:00:00:01:00" 10 $m
check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
check ph1-ping-go ph 1 ping $LAB_NET.1 -c 3
check go-ping-ph1 quiet ping -c 2 -W 2 "$IP1"

# --- ph2: keypad, then display ------------------------------------------------
check ph2-find-by-addr ph 2 find $GO_DEV
wcli_ok $GIF wps_pin any $LAB_PIN >/dev/null
check ph2-join-keypad ph 2 join --method keypad --pin $LAB_PIN
check ph2-dhcp ph 2 dhcp
IP2=$(pf ip)
check ph2-distinct-ip eval '[ -n "$IP2" ] && [ "$IP2" != "$IP1" ]'
check ph2-ping-go ph 2 ping $LAB_NET.1 -c 2
m=$(lines go)
check ph2-leave ph 2 leave
check go-sees-ph2-leave quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=42:00:00:00:02:00" 10 $m
check ph1-still-connected ph 1 ping $LAB_NET.1 -c 1
sleep 1
# display: the phone shows 87654325 (a valid WPS PIN); the GO enters it
wcli_ok $GIF wps_pin any 87654325 >/dev/null
check ph2-join-display ph 2 join --method display --pin 87654325
check ph2-leave-again ph 2 leave

# --- persistent group + re-invocation -----------------------------------------
check ph1-leave ph 1 leave
kill %1 2>/dev/null; killall udhcpd 2>/dev/null
m=$(lines go)
wcli_ok p2p-dev-wlan0 p2p_group_remove $GIF
wcli_ok p2p-dev-wlan0 p2p_group_add persistent
check go-persistent-group go_group 20 $m
wcli_ok $GIF wps_pbc
check ph1-find-again ph 1 find $GO_DEV
check ph1-join-persistent ph 1 join --method pbc --persistent
check ph1-group-is-persistent [ "$(pf persistent)" = 1 ]
check ph1-leave-persistent ph 1 leave
sleep 1
m=$(lines go)
check ph1-reinvoke ph 1 reinvoke --via invite
story "phone-1 re-invoked the persistent group in $(secs $(pf ms)) s (find $(secs $(pf find_ms)) s)"
check reinvoke-without-wps sh -c "! tail -n +$((m + 1)) /tmp/go.log | grep -q WPS-REG-SUCCESS"
lab_exit
