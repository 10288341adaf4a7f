# lab.sh -- helpers for scenarios running INSIDE the lab VM (busybox ash).
# Installed as /lab/lib.sh; a scenario starts with ". /lab/lib.sh".
#
# World: hwsim radio N = wlanN, MAC 02:00:00:00:0N:00, P2P device address
# 42:00:00:00:0N:00, group interface address 46:00:00:00:0N:00.
#   radio 0 (wlan0, initial netns)  the GO: our daemon drives its wpa_supplicant
#   radio N (wlanN, netns phN)      phone N, played by /usr/local/bin/phone
# Every wpa_supplicant logs its events (INFO level, -t timestamps) to
# /tmp/<name>.log (go.log, ph1.log, ...); wait_ev polls those files.  All
# control sockets are in $CTRL, also for the phones in other namespaces
# (pathname unix sockets work across netns).
#
# Output conventions (parsed by lab/e2e_test.go and lab/demo.sh):
#   CHECK PASS|FAIL <name> [detail]     one assertion
#   PHONE t=... phone=phN step=... ok=0|1 ...   printed by the phone simulator
#   STORY <text>                        a human readable milestone (demo)

CTRL=/var/run/wpa_supplicant
export PATH=/usr/local/bin:/sbin:/usr/sbin:/bin:/usr/bin
# busybox ash runs its own applets ahead of $PATH (busybox ip has no netns):
ip() { /sbin/ip "$@"; }
modprobe() { /sbin/modprobe "$@"; }
lsmod() { /sbin/lsmod "$@"; }

GO_DEV=42:00:00:00:00:00        # P2P device address of radio 0
GO_NAME=hostp2pd-lab            # device_name of the GO
LAB_PIN=${LAB_PIN:-12345670}
LAB_NET=192.168.49              # the daemon's default DHCP subnet
LAB_FAILS=0
LAB_T0=$(cut -d' ' -f1 /proc/uptime)
DAEMON_PID=
SCEN=${LAB_SCENARIO:-scenario}

now() { cut -d' ' -f1 /proc/uptime; }
dt() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[$(now)] $*"; }
story() { echo "STORY $*"; }
quiet() { "$@" >/dev/null 2>&1; }

# check NAME CMD...: run CMD; print CHECK PASS/FAIL NAME (NAME: no spaces)
check() {
	local name=$1; shift
	if "$@"; then
		echo "CHECK PASS $name"
	else
		echo "CHECK FAIL $name"
		LAB_FAILS=$((LAB_FAILS + 1))
		return 1
	fi
}
# need NAME CMD...: like check, but a failure ends the scenario at once (for
# steps everything after depends on: no point waiting for more timeouts)
need() {
	check "$@" || lab_exit
}
# check_ctrl WHY NAME CMD...: check, except with backend=dbus, where NAME is
# reported as CHECK SKIP with WHY (what the control socket has and D-Bus
# has not): never a pass.
check_ctrl() {
	local why=$1; shift
	if is_dbus; then
		echo "CHECK SKIP $1 (backend=dbus: $why)"
		return 0
	fi
	check "$@"
}
# pass NAME [DETAIL] / fail NAME [DETAIL]: record a result directly
pass() { echo "CHECK PASS $*"; }
fail() { echo "CHECK FAIL $*"; LAB_FAILS=$((LAB_FAILS + 1)); }

in_ns() { local ns=$1; shift; if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi; }
wcli() { local ifc=$1; shift; wpa_cli -p $CTRL -i "$ifc" "$@"; }
wcli_ok() {
	local r
	r=$(wcli "$@")
	[ "$r" = OK ] || { log "wpa_cli $* -> $r"; return 1; }
}
lines() { wc -l <"/tmp/$1.log"; }

# wait_ev NAME REGEX [TIMEOUT [MARK]]: wait for a line matching REGEX in
# /tmp/NAME.log after line MARK; prints it; 1 on timeout.
wait_ev() {
	local name=$1 re=$2 to=${3:-30} mark=${4:-0} end l
	end=$(awk -v n="$(now)" -v t="$to" 'BEGIN { print n + t }')
	while :; do
		l=$(tail -n +$((mark + 1)) "/tmp/$name.log" 2>/dev/null | grep -m1 -E "$re")
		[ -n "$l" ] && { echo "$l"; return 0; }
		awk -v n="$(now)" -v e="$end" 'BEGIN { exit !(n > e) }' && {
			log "timeout (${to}s) waiting for /$re/ in $name.log" >&2; return 1; }
		sleep 0.1
	done
}
# field LINE KEY: value of KEY=value in an event or PHONE line (quotes stripped)
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | tr -d '"' | head -n1; }
group_ifname() { echo "$1" | sed -n 's/.*P2P-GROUP-STARTED \([^ ]*\) .*/\1/p'; }

# ---- the GO's way in: lab.args backend=dbus ---------------------------------
# LAB_BACKEND is ctrl (default) or dbus (kernel command line lab.args=backend=dbus,
# run-vm.sh -A lab.args=backend=dbus).  With dbus the GO's wpa_supplicant runs
# with -u on the VM's system bus and WITHOUT a control socket, and the daemon's
# YAML says backend: dbus, so hostp2pd must use D-Bus.  The phones keep their
# control sockets (they are simulated clients, driven by wpa_cli's protocol).
LAB_BACKEND=ctrl
for a in ${LAB_ARGS:-}; do
	case $a in backend=*) LAB_BACKEND=${a#backend=} ;; esac
done
is_dbus() { [ "$LAB_BACKEND" = dbus ]; }
BUS_SOCK=/run/dbus/system_bus_socket
# bus_up: the system bus at /run/dbus/system_bus_socket (once per scenario:
# the VM's reset between scenarios kills it)
bus_up() {
	local i=0 pid
	pid=$(cat /run/dbus/pid 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ -S $BUS_SOCK ] && return 0
	rm -rf /run/dbus; mkdir -p /run/dbus
	dbus-daemon --config-file=/lab/dbus-system.conf >/tmp/dbus-daemon.log 2>&1 || {
		log "dbus-daemon failed: $(cat /tmp/dbus-daemon.log)"; return 1; }
	while [ ! -S $BUS_SOCK ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { log "no system bus socket"; return 1; }
		sleep 0.1
	done
}
# wdbus PATH METHOD ARGS...: a method call to wpa_supplicant on the system bus
wdbus() { dbus-send --system --print-reply --dest=fi.w1.wpa_supplicant1 "$@"; }
# dbus_iface IFNAME: wpa_supplicant manages IFNAME on the bus (GetInterface)
dbus_iface() { quiet wdbus /fi/w1/wpa_supplicant1 fi.w1.wpa_supplicant1.GetInterface "string:$1"; }

# wpas_start NAME IFACE NS DEVICE_NAME [EXTRA-CONFIG]: P2P wpa_supplicant on
# IFACE (in NS), config /tmp/NAME.conf, log /tmp/NAME.log; waits for its socket.
# The GO (NAME go) over D-Bus: -u, no ctrl_interface; waits for IFACE on the
# bus instead.
wpas_start() {
	local name=$1 ifc=$2 ns=$3 dev=$4 extra=$5 i=0 ci="ctrl_interface=DIR=$CTRL" u=
	if [ "$name" = go ] && is_dbus; then
		bus_up || return 1
		ci="# no ctrl_interface: backend=dbus" u=-u
	fi
	cat >/tmp/$name.conf <<CONF
$ci
update_config=1
device_name=$dev
device_type=1-0050F204-1
config_methods=virtual_push_button keypad display
persistent_reconnect=1
$extra
CONF
	: >/tmp/$name.log
	in_ns "$ns" wpa_supplicant -B -Dnl80211 -i "$ifc" -c /tmp/$name.conf \
		-t -f /tmp/$name.log -P /tmp/$name.pid $u ${WPAS_DEBUG:-} || return 1
	if [ -n "$u" ]; then
		# wpa_supplicant registers no object for p2p-dev-IFACE: its P2PDevice
		# methods are on IFACE's object (what wpadbus dials)
		while ! dbus_iface $ifc; do
			i=$((i + 1)); [ $i -gt 100 ] && { log "no $ifc on the system bus"; return 1; }
			sleep 0.1
		done
		[ ! -e $CTRL/p2p-dev-$ifc ] || { log "backend=dbus but $CTRL/p2p-dev-$ifc exists"; return 1; }
		return 0
	fi
	while [ ! -S $CTRL/p2p-dev-$ifc ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { log "no control socket for $ifc"; return 1; }
		sleep 0.1
	done
}

# go_start [EXTRA-CONFIG]: the GO's wpa_supplicant on wlan0 (log /tmp/go.log)
go_start() {
	wpas_start go wlan0 "" $GO_NAME "p2p_go_intent=15
$1"
}

# phone_up N: netns phN, radio N moved into it, phone wpa_supplicant there
# (log /tmp/phN.log, device_name phone-N).  Low GO intent: phones are clients.
phone_up() {
	local n=$1 phy
	phy=$(cat /sys/class/net/wlan$n/phy80211/name) || return 1
	ip netns add ph$n || return 1
	iw phy "$phy" set netns name ph$n || return 1
	ip netns exec ph$n /sbin/ip link set lo up
	wpas_start ph$n wlan$n ph$n phone-$n "p2p_go_intent=0"
}

# ph N SUBCOMMAND ARGS...: run the phone simulator for phone N; its PHONE
# line goes to stdout and into $PHONE_OUT; returns its exit status.
ph() {
	local n=$1 rc; shift
	PHONE_OUT=$(phone --phone ph$n "$@" 2>/tmp/phone-ph$n.err)
	rc=$?
	[ -n "$PHONE_OUT" ] && echo "$PHONE_OUT"
	[ $rc -eq 0 ] || sed 's/^/  phone-stderr| /' /tmp/phone-ph$n.err | tail -n 5
	PHONE_LAST=$(echo "$PHONE_OUT" | grep '^PHONE ' | tail -n1)
	return $rc
}
# pf KEY: field of the last PHONE line
pf() { field "$PHONE_LAST" "$1"; }
# secs MS: "4213" -> "4.2"
secs() { awk -v m="$1" 'BEGIN { printf "%.1f", m / 1000 }'; }

# go_group [TIMEOUT [MARK]]: wait for the GO's P2P-GROUP-STARTED; sets GIF
# (group interface), GO_SSID, GO_FREQ, GO_LINE
go_group() {
	GO_LINE=$(wait_ev go 'P2P-GROUP-STARTED .* GO ' "${1:-20}" "${2:-0}") || return 1
	GIF=$(group_ifname "$GO_LINE")
	GO_SSID=$(field "$GO_LINE" ssid)
	GO_FREQ=$(field "$GO_LINE" freq)
	log "GO group: $GO_LINE"
}

# go_dhcpd: busybox udhcpd on the GO group iface (oracle scenarios only;
# with the daemon, its own DHCP server does this)
go_dhcpd() {
	ip addr add $LAB_NET.1/24 dev "$GIF" || return 1
	: >/tmp/udhcpd.leases
	cat >/tmp/udhcpd.conf <<CONF
interface $GIF
start $LAB_NET.20
end $LAB_NET.40
max_leases 20
lease_file /tmp/udhcpd.leases
option subnet 255.255.255.0
option lease 3600
CONF
	udhcpd -f /tmp/udhcpd.conf >/tmp/udhcpd.log 2>&1 &
}

# daemon_start: write stdin to /etc/hostp2pd.yaml and start our daemon the way
# a user does (hostp2pd's CLI).  Fails (with a CHECK FAIL) when the binary is
# missing or exits at once.
daemon_start() {
	cat >/etc/hostp2pd.yaml
	echo "--- /etc/hostp2pd.yaml"; sed 's/^/  yaml| /' /etc/hostp2pd.yaml
	if [ ! -x /usr/local/bin/hostp2pd ]; then
		fail daemon-binary "no /usr/local/bin/hostp2pd in the image (cmd/hostp2pd did not build?)"
		return 1
	fi
	: >/tmp/hostp2pd.log
	/usr/local/bin/hostp2pd -i p2p-dev-wlan0 -c /etc/hostp2pd.yaml -b /tmp/hostp2pd.log -vv \
		>/tmp/hostp2pd.out 2>&1 </dev/null &
	DAEMON_PID=$!
	sleep 1
	if ! kill -0 $DAEMON_PID 2>/dev/null; then
		wait $DAEMON_PID; fail daemon-starts "hostp2pd exited at once with status $?"
		return 1
	fi
	pass daemon-starts "pid $DAEMON_PID"
}
daemon_alive() { [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; }

# events NAME [MARK]: the interesting events of /tmp/NAME.log after MARK
events() {
	tail -n +$((${2:-0} + 1)) /tmp/$1.log 2>/dev/null |
		grep -vE 'CTRL-EVENT-(SCAN|BSS|REGDOM|CHANNEL|SUBNET)|WPS-AP-AVAILABLE|P2P-DEVICE-LOST|P2P-FIND-STOPPED' |
		sed "s/^/  $1| /"
}

# dump_logs: the tails of every log, for post-mortems
dump_logs() {
	local f n
	echo "=== LOG DUMP ($SCEN)"
	for f in hostp2pd.log hostp2pd.out; do
		[ -s /tmp/$f ] && { echo "--- tail /tmp/$f"; tail -n ${DUMP_LINES:-60} /tmp/$f | sed "s/^/  $f| /"; }
	done
	for f in /tmp/go.log /tmp/ph*.log; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .log)
		echo "--- tail of $n events"; events $n | tail -n ${DUMP_LINES:-60}
	done
	[ -s /tmp/udhcpd.log ] && { echo "--- udhcpd"; tail -n 20 /tmp/udhcpd.log; }
	echo "=== END LOG DUMP"
}

# lab_exit: end of scenario; dumps logs when a check failed
lab_exit() {
	if [ -n "$DAEMON_PID" ]; then
		check daemon-survived daemon_alive
	fi
	log "scenario $SCEN done in $(dt $LAB_T0)s, failed checks: $LAB_FAILS"
	[ "$LAB_FAILS" -eq 0 ] || dump_logs
	[ "$LAB_FAILS" -eq 0 ]
	exit $?
}

# go_ip: the IPv4 address on the GO's group interface ("" if none)
go_ip() { ip -4 -o addr show dev "$GIF" 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'; }

# wait_go_ip [TIMEOUT]: wait until the daemon put an address on $GIF; sets GO_IP
wait_go_ip() {
	local i=0
	while [ $i -lt $((${1:-10} * 10)) ]; do
		GO_IP=$(go_ip)
		[ -n "$GO_IP" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# sta_connected N [MARK]: did the GO log AP-STA-CONNECTED for phone N (after MARK)?
sta_connected() {
	tail -n +$((${2:-0} + 1)) /tmp/go.log | grep -q "AP-STA-CONNECTED .*p2p_dev_addr=42:00:00:00:0$1:00"
}

# expect_refused N JOIN-ARGS...: phone N tries to join (20 s); passes when the
# join fails and the GO never let the phone in
expect_refused() {
	local n=$1 m; shift
	m=$(lines go)
	if ph $n join --timeout 20s "$@"; then
		log "phone $n joined but should have been refused"; return 1
	fi
	! sta_connected $n $m
}

# is_in_net IP: IP is inside $LAB_NET.0/24
is_in_net() { case "$1" in $LAB_NET.*) return 0 ;; esac; return 1; }

# ---- the daemon's own CLI (subcommands over its control socket) -------------

# hp ARGS...: the hostp2pd CLI the way an operator types it; -c makes it find
# the interface and ctl_socket of the running daemon from the YAML
hp() { /usr/local/bin/hostp2pd "$@" -c /etc/hostp2pd.yaml; }
# hp_json: `hostp2pd status --json` on one line, blanks removed ("" if no daemon)
hp_json() { hp status --json 2>/dev/null | tr -d '\n\t '; }
# json_group: does the status have a running group?
json_group() { hp_json | grep -q '"group":{'; }
# client_ip JSON DEV: the IP the status lists for client DEV ("" if none)
client_ip() { echo "$1" | sed -n "s/.*\"dev_addr\":\"$2\"[^}]*\"ip\":\"\([0-9.]*\)\".*/\1/p"; }
# has_client JSON DEV: the status lists DEV among the clients
has_client() { echo "$1" | sed -n 's/.*"clients":\[\([^]]*\)\].*/\1/p' | grep -q "\"dev_addr\":\"$2\""; }
# json_net_id: the running group's network_id from the status ("" if none)
json_net_id() { hp_json | sed -n 's/.*"group":{[^}]*"network_id":\(-\{0,1\}[0-9]*\).*/\1/p'; }
# wait_json REGEX [TIMEOUT]: wait until the status JSON matches REGEX
wait_json() {
	local i=0
	while [ $i -lt $((${2:-10} * 5)) ]; do
		hp_json | grep -qE "$1" && return 0
		sleep 0.2; i=$((i + 1))
	done
	return 1
}

# go_groups_up: the GO's group interfaces that exist now (control sockets;
# backend=dbus: the p2p-wlan0-* netdevs wpa_supplicant manages on the bus)
go_groups_up() {
	local g
	if is_dbus; then
		for g in $(ls /sys/class/net 2>/dev/null | grep '^p2p-wlan0-'); do
			dbus_iface "$g" && echo "$g"
		done
		return 0
	fi
	ls $CTRL 2>/dev/null | grep '^p2p-wlan0-'
}
# go_group_up IFNAME: the GO's wpa_supplicant still has group interface IFNAME
go_group_up() { go_groups_up | grep -qx "$1"; }
# no_go_group: no group on the GO: no p2p-wlan0-* socket, no such netdev
no_go_group() {
	[ -z "$(go_groups_up)" ] && ! iw dev 2>/dev/null | grep -q 'Interface p2p-wlan0-'
}
# go_persistent_nets: the GO's stored persistent groups (LIST_NETWORKS lines
# "id<TAB>DIRECT-..<TAB>bssid<TAB>[..][P2P-PERSISTENT]")
go_persistent_nets() {
	wcli p2p-dev-wlan0 list_networks | grep 'DIRECT-' | grep 'P2P-PERSISTENT'
}
# go_since MARK REGEX: a line of go.log after line MARK matches REGEX (grep -E)
go_since() { tail -n +$(($1 + 1)) /tmp/go.log | grep -qE "$2"; }
# wps_since MARK: did the GO run a WPS registration after line MARK of go.log?
wps_since() { go_since "$1" WPS-REG-SUCCESS; }
# daemon_pid_of: pid of the hostp2pd holding the pidfile of p2p-dev-wlan0
PIDFILE=/var/run/hostp2pd-p2p-dev-wlan0.pid
daemon_pidfile_pid() { cat $PIDFILE 2>/dev/null | tr -d ' \n'; }
# proc_fds PID / proc_rss_kb PID: open descriptors and VmRSS of a process
proc_fds() { ls /proc/$1/fd 2>/dev/null | wc -l; }
proc_rss_kb() { awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null; }
# ms_since T: milliseconds since uptime T
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# not CMD...: negation usable with check (check NAME not CMD ...)
not() { ! "$@"; }

# legacy_up N: netns phN, radio N moved into it, and a wpa_supplicant
# WITHOUT P2P (p2p_disabled=1) on wlanN: a station like an iPhone or a
# laptop, driven by `phone --client legacy` (control interface wlanN).
legacy_up() {
	local n=$1 phy i=0
	phy=$(cat /sys/class/net/wlan$n/phy80211/name) || return 1
	ip netns add ph$n || return 1
	iw phy "$phy" set netns name ph$n || return 1
	ip netns exec ph$n /sbin/ip link set lo up
	cat >/tmp/legacy-$n.conf <<CONF
ctrl_interface=DIR=$CTRL
p2p_disabled=1
update_config=0
CONF
	: >/tmp/legacy-$n.log
	in_ns ph$n wpa_supplicant -B -Dnl80211 -i wlan$n -c /tmp/legacy-$n.conf \
		-t -f /tmp/legacy-$n.log -P /tmp/legacy-$n.pid ${WPAS_DEBUG:-} || return 1
	while [ ! -S $CTRL/wlan$n ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { log "no control socket for wlan$n"; return 1; }
		sleep 0.1
	done
}

# json_str KEY: the string value of KEY inside the status JSON's group object
json_group_str() { hp_json | sed -n "s/.*\"group\":{[^}]*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

# ---- the common blocks of the daemon scenarios ------------------------------
# (keep these names stable: scenarios of other branches call them)

# daemon_yaml MODE METHOD [LINE]...: the YAML of a daemon scenario, on stdout.
#   MODE, the group modes of internal/config as hostp2pd's three booleans
#   activate_persistent_group / activate_autonomous_group / dynamic_group:
#     persistent T/F/F   persistent-on-demand T/F/T   autonomous F/T/F
#     autonomous-on-demand F/F/F   negotiated-on-demand F/F/T
#     negotiated-persistent F/F/T and negotiated_persistent: true
#   METHOD: pbc (pbc_in_use: true); pin (pbc_in_use: false, password:
#     $LAB_PIN, no wps_method: the daemon derives keypad from pbc_in_use);
#     keypad (pin and wps_method: keypad); display (pbc_in_use: false,
#     wps_method: display)
#   then ctl_socket: /run/hostp2pd.sock and dhcp: enabled: true, last every
#   LINE, one YAML line each: an indented LINE ("  eapol_ip: false") adds
#   to the dhcp block, "white_list:" "  - phone-1" is a list.
daemon_yaml() {
	local mode=$1 method=$2 p a d
	[ $# -ge 2 ] || { echo "daemon_yaml: usage: daemon_yaml MODE METHOD [LINE]..." >&2; return 1; }
	shift 2
	case $mode in
	persistent) p=true a=false d=false ;;
	persistent-on-demand) p=true a=false d=true ;;
	autonomous) p=false a=true d=false ;;
	autonomous-on-demand) p=false a=false d=false ;;
	negotiated-on-demand | negotiated-persistent) p=false a=false d=true ;;
	*) echo "daemon_yaml: unknown mode '$mode'" >&2; return 1 ;;
	esac
	case $method in
	pbc | pin | keypad | display) ;;
	*) echo "daemon_yaml: unknown method '$method'" >&2; return 1 ;;
	esac
	echo "activate_persistent_group: $p"
	echo "activate_autonomous_group: $a"
	echo "dynamic_group: $d"
	[ "$mode" = negotiated-persistent ] && echo "negotiated_persistent: true"
	case $method in
	pbc) echo "pbc_in_use: true" ;;
	*) echo "pbc_in_use: false" ;;
	esac
	case $method in pin | keypad) echo "password: \"$LAB_PIN\"" ;; esac
	case $method in keypad | display) echo "wps_method: $method" ;; esac
	echo "ctl_socket: /run/hostp2pd.sock"
	# backend=dbus: D-Bus has no per_sta_psk (config refuses it with dbus)
	is_dbus && printf 'backend: dbus\nper_sta_psk: false\n'
	echo "dhcp:"
	echo "  enabled: true"
	for a in "$@"; do echo "$a"; done
}

# daemon_up MODE METHOD [LINE]...: daemon_start with daemon_yaml's YAML (in
# this shell: DAEMON_PID is set here, which `daemon_yaml | daemon_start`,
# a pipeline's subshell, would not do)
daemon_up() {
	daemon_yaml "$@" >/tmp/daemon-up.yaml || { fail daemon-yaml "daemon_yaml $*"; return 1; }
	daemon_start </tmp/daemon-up.yaml
}

# daemon_go MODE METHOD [LINE]...: daemon_up, then need daemon-group-started
# (the GO's P2P-GROUP-STARTED within 30 s: GIF, GO_SSID, GO_FREQ, GO_LINE);
# ends the scenario when either fails
daemon_go() {
	daemon_up "$@" || lab_exit
	need daemon-group-started go_group 30
}

# go_addr [TIMEOUT]: wait up to TIMEOUT (10) s for the daemon's address on
# $GIF; GO_IP is it, or $LAB_NET.1 when it did not come (no check: the
# pings that use it are the checks)
go_addr() {
	wait_go_ip "${1:-10}"
	GO_IP=${GO_IP:-$LAB_NET.1}
}

# find_join N JOIN-CHECK JOIN-ARGS...: need phN-find (phone N finds the GO
# by address), then need JOIN-CHECK (phone N joins with JOIN-ARGS)
find_join() {
	local n=$1 c=$2
	shift 2
	need ph$n-find ph $n find $GO_DEV
	need "$c" ph $n join "$@"
}

# dhcp_ping N DHCP-CHECK PING-CHECK COUNT: check DHCP-CHECK (phone N takes a
# lease: LEASE), then check PING-CHECK (phone N pings $GO_IP COUNT times)
dhcp_ping() {
	check "$2" ph $1 dhcp
	LEASE=$(pf ip)
	check "$3" ph $1 ping $GO_IP -c $4
}

# is_persistent_group: GO_LINE (the GO's P2P-GROUP-STARTED) is a persistent group
is_persistent_group() { echo "$GO_LINE" | grep -q PERSISTENT; }

# at_once TAG "N..." PHONE-ARGS...: phones N... start `phone PHONE-ARGS` at
# the same moment; waits for all; each one's stdout and stderr in
# /tmp/TAG<N>.out, its exit status in r<N>; prints their PHONE lines (the
# tail of the output of one that printed none)
at_once() {
	local tag=$1 ns=$2 n
	shift 2
	for n in $ns; do
		phone --phone ph$n "$@" >/tmp/$tag$n.out 2>&1 &
		eval p$n=$!
	done
	for n in $ns; do eval wait \$p$n; eval r$n=$?; done
	for n in $ns; do
		grep '^PHONE' /tmp/$tag$n.out || sed "s/^/  $tag$n| /" /tmp/$tag$n.out | tail -n 8
	done
}

# hook_script LOG LINE: /tmp/hook.sh, a run_program hook that appends LINE
# to LOG (LOG starts empty); LINE is expanded by the hook's own shell, in
# double quotes, when the daemon runs it ('$*', '$HOSTP2PD_CLIENT_IP')
hook_script() {
	printf '#!/bin/sh\necho "%s" >>%s\n' "$2" "$1" >/tmp/hook.sh
	chmod +x /tmp/hook.sh
	: >"$1"
}
