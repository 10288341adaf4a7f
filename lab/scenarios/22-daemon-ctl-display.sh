#!/bin/sh
# lab-radios: 3
# lab-timeout: 200
# DAEMON: the operator's control socket.  wps_method: display, i.e. the
# phone shows a PIN and the operator types it with "hostp2pd pin PEER PIN":
# ph1 joins that way; "hostp2pd status --json" lists it with its lease;
# ph2's attempt fails when the operator enters a WRONG PIN; finally
# "hostp2pd disconnect ph1" throws ph1 out (deauth + P2P_REMOVE_CLIENT).
. /lab/lib.sh
PH1=42:00:00:00:01:00 PH2=42:00:00:00:02:00

go_start
phone_up 1
phone_up 2
daemon_go autonomous display "pin_timeout_secs: 60" "per_sta_psk: false" # the weak shared-passphrase path (24 has the default)
go_addr
check status-json-no-clients wait_json '"clients":(\[\]|null)' 5

# --- ph1: display PIN, the operator types it
need ph1-find ph 1 find $GO_DEV
phone --phone ph1 join --method display --pin 12345670 --timeout 60s >/tmp/j1.out 2>/tmp/j1.err & p=$!
t=$(now)
check daemon-waits-for-operator wait_json "\"pending\":\\[[^]]*\"dev_addr\":\"$PH1\"[^}]*\"state\":\"waiting-pin\"" 20
W=$(dt $t)
check phone-still-waiting kill -0 $p
log "pending: $(hp_json | sed -n 's/.*\("pending":\[[^]]*\]\).*/\1/p')"
t2=$(now)
check operator-enters-pin hp pin $PH1 12345670
wait $p; r=$?
cat /tmp/j1.out; [ $r -eq 0 ] || tail -n 8 /tmp/j1.err
need ph1-display-join [ $r -eq 0 ]
story "display PIN: hostp2pd waited for the operator $W s after the request; phone-1 joined $(dt $t2) s after 'hostp2pd pin'"
dhcp_ping 1 ph1-dhcp ph1-ping-go 2
IP1=$LEASE
check status-json-lists-ph1-with-ip wait_json "\"dev_addr\":\"$PH1\"[^}]*\"ip\":\"$IP1\"" 10
check status-json-method-display eval 'hp_json | grep -qE "\"dev_addr\":\"$PH1\"[^}]*\"method\":\"display\""'
check clients-subcommand eval 'hp clients | grep -q $PH1'
hp clients | sed 's/^/  clients| /'
J=$(hp_json)
story "hostp2pd status --json: phone-1 $(echo "$J" | grep -o "\"dev_addr\":\"$PH1\"[^}]*" | cut -c1-160)"

# --- ph2: the operator types a wrong PIN
need ph2-find ph 2 find $GO_DEV
m=$(lines go)
phone --phone ph2 join --method display --pin 12345670 --timeout 30s >/tmp/j2.out 2>/tmp/j2.err & p=$!
check ph2-daemon-waits wait_json "\"pending\":\\[[^]]*\"dev_addr\":\"$PH2\"[^}]*\"state\":\"waiting-pin\"" 20
check operator-enters-wrong-pin hp pin $PH2 11111116
t=$(now)
wait $p; r=$?
cat /tmp/j2.out
check ph2-wrong-pin-fails [ $r -ne 0 ]
check ph2-never-connected not sta_connected 2 $m
check status-has-no-ph2 eval '! has_client "$(hp_json)" $PH2'
story "wrong operator PIN: phone-2 gave up after $(dt $t) s, never associated"
check ph1-unaffected ph 1 ping $GO_IP -c 1

# --- hostp2pd disconnect
mp=$(lines ph1) m=$(lines go)
t=$(now)
check disconnect-ph1 hp disconnect $PH1
check go-drops-ph1 quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=$PH1" 10 $m
check ph1-sees-it quiet wait_ev ph1 'CTRL-EVENT-DISCONNECTED|P2P-GROUP-REMOVED' 10 $mp
D=$(dt $t)
log "ph1 after disconnect: $(events ph1 $mp | grep -E 'DISCONNECTED|GROUP-REMOVED|CONNECTED' | head -n 4 | tr '\n' ' ')"
check status-drops-ph1 wait_json '"clients":(\[\]|null)' 5
story "hostp2pd disconnect $PH1: phone-1 dropped in $D s"
# The group passphrase is shared (per_sta_psk: false), so the phone's supplicant
# may associate again by itself: hostp2pd must remove it again (it blocks a
# disconnected device for 10 minutes) and never list it as a client.
m2=$(lines go)
if quiet wait_ev go "AP-STA-CONNECTED .*p2p_dev_addr=$PH1" 8 $m; then
	check kicked-again quiet wait_ev go "AP-STA-DISCONNECTED .*p2p_dev_addr=$PH1" 5 $m2
	check still-not-a-client eval '! has_client "$(hp_json)" $PH1'
	story "phone-1 re-associated by itself $(dt $t) s after 'hostp2pd disconnect' and was removed again"
else
	story "phone-1 stayed out for 8 s after 'hostp2pd disconnect'"
fi
lab_exit
