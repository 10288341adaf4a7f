#!/bin/sh
# lab-radios: 3
# lab-timeout: 180
# DAEMON: who may join.  Part 1, PBC with hostp2pd's white_list (device
# names): phone-1 is listed and joins, phone-2 is not and must stay out.
# Part 2 restarts the daemon with a PIN and deny_macs listing phone 2's P2P
# device address: phone 2 must be refused even with the right PIN.
. /lab/lib.sh

go_start
phone_up 1
phone_up 2
daemon_go autonomous pbc "white_list:" "  - phone-1"
find_join 1 ph1-white-listed-joins --method pbc
need ph2-find ph 2 find $GO_DEV
check ph2-not-white-listed-refused expect_refused 2 --method pbc
check ph1-leave ph 1 leave

# part 2: deny_macs
kill $DAEMON_PID; sleep 2
check daemon-stopped sh -c "! kill -0 $DAEMON_PID 2>/dev/null"
DAEMON_PID=
# start part 2 from scratch even if the daemon left its group behind
[ -S $CTRL/$GIF ] && wcli p2p-dev-wlan0 p2p_group_remove $GIF >/dev/null && sleep 1
m=$(lines go)
daemon_up autonomous pin "deny_macs:" '  - "42:00:00:00:02:00"' || lab_exit
need daemon-group-started-again go_group 30 $m
need ph1-find-again ph 1 find $GO_DEV
need ph1-joins-with-pin ph 1 join --method keypad --pin $LAB_PIN
need ph2-find-again ph 2 find $GO_DEV
check ph2-denied-mac-refused expect_refused 2 --method keypad --pin $LAB_PIN
lab_exit
