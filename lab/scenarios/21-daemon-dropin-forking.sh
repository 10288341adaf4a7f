#!/bin/sh
# lab-radios: 2
# lab-timeout: 150
# DAEMON: drop-in for the Python hostp2pd's systemd unit (Type=forking):
#   ExecStart=hostp2pd -c /etc/hostp2pd.yaml -d
#   ExecReload=hostp2pd -c /etc/hostp2pd.yaml -r
#   ExecStop=hostp2pd -c /etc/hostp2pd.yaml -t
# No -i: the interface comes from the YAML (interface:), the log goes to
# log_file:, the pidfile is /run/hostp2pd-p2p-dev-wlan0.pid.  A phone joins,
# the reload keeps it, the stop removes the group and releases the pidfile
# within 5 s; the log file tells the whole session.
. /lab/lib.sh

go_start
phone_up 1
cat >/etc/hostp2pd.yaml <<YAML
interface: p2p-dev-wlan0
activate_persistent_group: false
activate_autonomous_group: true
dynamic_group: false
pbc_in_use: true
force_logging: INFO
log_file: /tmp/hostp2pd.log
dhcp:
  enabled: true
YAML
sed 's/^/  yaml| /' /etc/hostp2pd.yaml
HP="/usr/local/bin/hostp2pd -c /etc/hostp2pd.yaml"
LOGF=/tmp/hostp2pd.log
t=$(now)
$HP -d >/tmp/hostp2pd.out 2>&1
rc=$?
T=$(dt $t)
cat /tmp/hostp2pd.out
need d-parent-exits-0 [ $rc -eq 0 ]
DAEMON_PID=$(daemon_pidfile_pid)
log "ExecStart returned in $T s; pidfile $PIDFILE says $DAEMON_PID"
need d-pidfile-names-live-daemon eval '[ -n "$DAEMON_PID" ] && kill -0 $DAEMON_PID'
# detached: own session, parent init
check d-detached eval '[ "$(cut -d" " -f4 /proc/$DAEMON_PID/stat)" = 1 ] && [ "$(cut -d" " -f6 /proc/$DAEMON_PID/stat)" = "$DAEMON_PID" ]'
check d-cmdline-has-no-i eval '! tr "\0" " " </proc/$DAEMON_PID/cmdline | grep -q -- " -i "'
check d-second-instance-refused eval '! $HP -d >/tmp/second.out 2>&1 && grep -q "already running" /tmp/second.out'
sed 's/^/  second| /' /tmp/second.out
need d-group-started go_group 30
story "hostp2pd -c /etc/hostp2pd.yaml -d returned in $T s; group $GO_SSID up on $GO_FREQ MHz"
check d-default-ctl-socket [ -S /run/hostp2pd-p2p-dev-wlan0.sock ]
check d-status-subcommand eval 'hp status | grep -q p2p-dev-wlan0'
wait_go_ip 10; GO_IP=${GO_IP:-$LAB_NET.1}

need ph1-find ph 1 find $GO_DEV
need ph1-join-pbc ph 1 join --method pbc
check ph1-dhcp ph 1 dhcp
IP1=$(pf ip)
check ph1-ping-go ph 1 ping $GO_IP -c 2
check log-client-connected wait_ev hostp2pd 'msg="client connected".*42:00:00:00:01:00' 5

# ExecReload
ml=$(lines hostp2pd) m=$(lines go)
check d-reload-r quiet $HP -r
check log-shows-reload quiet wait_ev hostp2pd 'SIGHUP|configuration reloaded' 5 $ml
check log-reload-done quiet wait_ev hostp2pd 'msg="configuration reloaded"' 5 $ml
check reload-same-pid eval 'kill -0 $DAEMON_PID && [ "$(daemon_pidfile_pid)" = "$DAEMON_PID" ]'
check reload-keeps-group eval '[ -S $CTRL/$GIF ] && ! tail -n +$((m + 1)) /tmp/go.log | grep -q P2P-GROUP-REMOVED'
check ph1-ping-after-reload ph 1 ping $GO_IP -c 2

# ExecStop
m=$(lines go)
t=$(now)
$HP -t >/tmp/stop.out 2>&1
rc=$?
sed 's/^/  stop| /' /tmp/stop.out
i=0; while kill -0 $DAEMON_PID 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
TS=$(dt $t)
check d-stop-t-exit-0 [ $rc -eq 0 ]
check d-gone-within-5s eval '! kill -0 $DAEMON_PID 2>/dev/null'
check d-group-removed-on-stop quiet wait_ev go "P2P-GROUP-REMOVED $GIF" 5 $m
check d-pidfile-released eval '! $HP -r >/tmp/after.out 2>&1 && grep -q "no hostp2pd running" /tmp/after.out'
sed 's/^/  after| /' /tmp/after.out
log "pidfile after stop: $(ls -l $PIDFILE 2>&1)"
check d-ctl-socket-gone [ ! -S /run/hostp2pd-p2p-dev-wlan0.sock ]
DAEMON_PID=
story "reload kept phone-1 ($IP1) and the group; hostp2pd -t stopped it in $TS s, group removed"

# the session in the log file
for w in 'hostp2pd starting' 'group started' 'client connected' 'configuration reloaded' 'hostp2pd stopped'; do
	check "log-has-$(echo $w | tr ' ' '-')" grep -q "msg=\"$w\"" $LOGF
done
echo "--- the log file ($LOGF, INFO and up)"
grep -v 'level=DEBUG' $LOGF | cut -c1-220 | sed 's/^/  log| /' | tail -n 30
lab_exit
