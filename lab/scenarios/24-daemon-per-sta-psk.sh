#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: per-station PSK and revocation.  With per_sta_psk: true every phone
# gets its own passphrase during WPS; "hostp2pd disconnect" deauthenticates
# the phone and P2P_REMOVE_CLIENT deletes its passphrase, so the phone can
# no longer associate by itself (its 4-way handshake fails); it can enrol
# again with WPS (the PIN), which is what revocation means: not a ban.
. /lab/lib.sh
PH1=42:00:00:00:01:00

go_start
phone_up 1
daemon_go autonomous pin "per_sta_psk: true"
go_addr
check daemon-set-per-sta-psk quiet grep -q "P2P_SET per_sta_psk 1" /tmp/hostp2pd.log

find_join 1 ph1-join-keypad --method keypad --pin $LAB_PIN
dhcp_ping 1 ph1-dhcp ph1-ping-go 2

m=$(lines go) t=$(now)
check disconnect-ph1 hp disconnect $PH1
check go-drops-ph1 quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=$PH1" 10 $m
m2=$(lines go)
# The phone keeps its group and retries with its (now deleted) passphrase.
check ph1-cannot-reassociate not quiet wait_ev go "AP-STA-CONNECTED .*p2p_dev_addr=$PH1" 12 $m2
if go_since $m2 AP-STA-POSSIBLE-PSK-MISMATCH; then
	story "revoked phone-1 retried with its old per-station passphrase: AP-STA-POSSIBLE-PSK-MISMATCH, never associated"
else
	story "revoked phone-1 did not get back in for 12 s after 'hostp2pd disconnect'"
fi
check status-drops-ph1 wait_json '"clients":(\[\]|null)' 5

# Revocation is not a ban: a new WPS enrolment with the PIN works.
quiet ph 1 leave  # the phone may already have dropped the group it cannot rejoin
need ph1-find-again ph 1 find $GO_DEV
t=$(now)
need ph1-enrols-again ph 1 join --method keypad --pin $LAB_PIN
story "phone-1 enrolled again with the PIN in $(secs $(pf ms)) s after its passphrase was revoked"
dhcp_ping 1 ph1-dhcp-again ph1-ping-again 2
lab_exit
