#!/bin/sh
# lab-radios: 2
# lab-timeout: 170
# DAEMON: per-station PSK and revocation, with the default configuration
# (per_sta_psk is not in the file: true is the default).  Every phone gets
# its own passphrase during WPS; "hostp2pd disconnect" deauthenticates the
# phone and P2P_REMOVE_CLIENT deletes its passphrase, so the phone can no
# longer associate by itself: its retries fail at the 4-way handshake
# (AP-STA-POSSIBLE-PSK-MISMATCH, no AP-STA-CONNECTED for 30 s).  It can enrol
# again with WPS (the PIN), which is what revocation means: not a ban.
. /lab/lib.sh
PH1=42:00:00:00:01:00

go_start
phone_up 1
daemon_go autonomous pin # per_sta_psk as by default: not in the file
go_addr
check daemon-set-per-sta-psk quiet grep -q "P2P_SET per_sta_psk 1" /tmp/hostp2pd.log

find_join 1 ph1-join-keypad --method keypad --pin $LAB_PIN
dhcp_ping 1 ph1-dhcp ph1-ping-go 2

m=$(lines go) t=$(now)
STA1=$(events go 0 | sed -n "s/.*AP-STA-CONNECTED \([0-9a-f:]*\) p2p_dev_addr=$PH1.*/\1/p" | tail -n 1)
check disconnect-ph1 hp disconnect $PH1
check go-drops-ph1 quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=$PH1" 10 $m
m2=$(lines go)
# The phone keeps its group and retries with its (now deleted) passphrase:
# every retry fails at the 4-way handshake, none reaches AP-STA-CONNECTED.
check ph1-cannot-reassociate not quiet wait_ev go "AP-STA-CONNECTED .*p2p_dev_addr=$PH1" 30 $m2
N=$(tail -n +$((m2 + 1)) /tmp/go.log | grep -c "AP-STA-POSSIBLE-PSK-MISMATCH $STA1")
check ph1-retries-fail-4way [ -n "$STA1" -a "$N" -ge 1 ]
story "revoked phone-1 ($STA1) retried $N times in 30 s with its old per-station passphrase: AP-STA-POSSIBLE-PSK-MISMATCH each time, never AP-STA-CONNECTED"
check status-drops-ph1 wait_json '"clients":(\[\]|null)' 5

# Revocation is not a ban: a new WPS enrolment with the PIN works.
quiet ph 1 leave  # the phone may already have dropped the group it cannot rejoin
need ph1-find-again ph 1 find $GO_DEV
t=$(now)
need ph1-enrols-again ph 1 join --method keypad --pin $LAB_PIN
story "phone-1 enrolled again with the PIN in $(secs $(pf ms)) s after its passphrase was revoked"
dhcp_ping 1 ph1-dhcp-again ph1-ping-again 2
lab_exit
