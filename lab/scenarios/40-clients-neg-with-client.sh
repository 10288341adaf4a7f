#!/bin/sh
# lab-radios: 3
# lab-timeout: 150
# CLIENTS (issue 13 items 1, 6): GO negotiation against a running group that
# HAS a client.  The group stays; hostp2pd invites the phone into it
# (P2P_INVITE group=... peer=...) with WPS armed.  A plain client refuses
# (status 1): the daemon logs it with its meaning, counts it and runs the
# invite_failed hook.  An Android client accepts and joins.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
hook_script /tmp/hook.log '$@'
daemon_go autonomous pbc "run_program: /tmp/hook.sh"
find_join 1 ph1-join --method pbc
need ph2-find ph 2 find $GO_DEV
m=$(lines go)
check ph2-plain-not-in not ph 2 --client plain join --method pbc --negotiate --timeout 12s
check daemon-invited-ph2 quiet grep -q "P2P_INVITE group=$GIF peer=42:00:00:00:02:00" /tmp/hostp2pd.log
check refusal-logged quiet grep -q "invitation refused or unanswered by the phone" /tmp/hostp2pd.log
check refusal-hook quiet grep -q "^invite_failed 42:00:00:00:02:00 1 $GIF" /tmp/hook.log
check refusal-counted wait_json '"invitations_refused":[1-9]' 5
check group-kept [ -S $CTRL/$GIF ]
check ph1-still-in not go_since $m 'AP-STA-DISCONNECTED .*p2p_dev_addr=42:00:00:00:01:00'
sleep 1
m=$(lines go)
need ph2-android-joins ph 2 --client android join --method pbc --negotiate
J=$(pf ms)
check ph2-accepted-invitation [ "$(pf mode)" = invited ]
check ph2-in-running-group [ "$(pf ssid)" = "$GO_SSID" ]
check go-sees-ph2 sta_connected 2 $m
story "negotiation against a group with a client: plain phone-2 refused the invitation (logged, hook, counter); android phone-2 accepted it and joined in $(secs $J) s"
lab_exit
