#!/bin/sh
# lab-radios: 2
# lab-timeout: 1200
# SOAK (not in TestLabDaemon; TestLabSoak with HOSTP2PD_LAB_SOAK=1): one
# real phone joins the autonomous group with the keypad PIN, takes a DHCP
# lease and leaves, N times (lab.args=cycles=N, default 50).  The daemon's
# open descriptors (/proc/PID/fd) and VmRSS are measured after a warm-up
# cycle and at the end: descriptors must not grow (a leak per join would
# show as +N), RSS is reported.
. /lab/lib.sh
CYCLES=50
for a in $LAB_ARGS; do case $a in cycles=*) CYCLES=${a#cycles=} ;; esac; done

go_start
phone_up 1
daemon_go autonomous keypad
FD0=$(proc_fds $DAEMON_PID) RSS0=$(proc_rss_kb $DAEMON_PID)
need ph1-find ph 1 find $GO_DEV

# cycle: join (a fresh find only when the join fails), dhcp, leave
cycle() {
	ph 1 join --method keypad --pin $LAB_PIN --timeout 30s >/tmp/cycle.out ||
		{ ph 1 find $GO_DEV >>/tmp/cycle.out && ph 1 join --method keypad --pin $LAB_PIN --timeout 30s >>/tmp/cycle.out; } || return 1
	JMS=$(pf ms)
	ph 1 dhcp >>/tmp/cycle.out || return 2
	ph 1 leave >>/tmp/cycle.out || return 3
	sleep 0.5
}
need warm-up-cycle cycle
sleep 1
FD1=$(proc_fds $DAEMON_PID) RSS1=$(proc_rss_kb $DAEMON_PID)
story "soak start: daemon pid $DAEMON_PID fds=$FD1 VmRSS=${RSS1} kB (at group start: fds=$FD0 VmRSS=${RSS0} kB)"
t=$(now)
i=0 OK=0 FAILS= JSUM=0 JMAX=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	if cycle; then
		OK=$((OK + 1)); JSUM=$((JSUM + JMS)); [ "$JMS" -gt $JMAX ] && JMAX=$JMS
	else
		r=$?; FAILS="$FAILS $i:$r"
		sed 's/^/  cycle-'$i'| /' /tmp/cycle.out
		ph 1 leave >/dev/null 2>&1
	fi
	[ $((i % 10)) -eq 0 ] && story "soak cycle $i/$CYCLES ok=$OK fds=$(proc_fds $DAEMON_PID) VmRSS=$(proc_rss_kb $DAEMON_PID) kB t=$(dt $t)s"
	daemon_alive || { fail daemon-died-in-cycle-$i; break; }
done
T=$(dt $t)
sleep 2
FD2=$(proc_fds $DAEMON_PID) RSS2=$(proc_rss_kb $DAEMON_PID)
check all-cycles-ok [ $OK -eq $CYCLES ]
check fds-do-not-grow [ "$FD2" -le $((FD1 + 3)) ]
check rss-bounded [ "$RSS2" -le $((RSS1 * 2)) ]
check no-clients-left wait_json '"clients":(\[\]|null)' 5
check group-still-up [ -S $CTRL/$GIF ]
story "soak: $OK/$CYCLES join/dhcp/leave cycles in $T s (join avg $((JSUM / (OK > 0 ? OK : 1))) ms, max $JMAX ms)${FAILS:+ failed:$FAILS}"
story "soak fds before=$FD1 after=$FD2 delta=$((FD2 - FD1)); VmRSS before=${RSS1} kB after=${RSS2} kB delta=$((RSS2 - RSS1)) kB"
lab_exit
