#!/bin/sh
# fake-hostp2pd.sh -- a crude stand-in for hostp2pd, used ONLY to check the
# daemon scenarios themselves before the real daemon exists:
#   HOSTP2PD_LAB=1 HOSTP2PD_LAB_DAEMON=fake go test ./lab -run TestLabDaemon
# It accepts hostp2pd's CLI (-i IFACE -c CONF -b LOG -v/-vv), reads a few YAML
# keys with grep, and answers the GO's events by polling /tmp/go.log (which
# the scenarios' wpa_supplicant writes).  No control socket (ctl_socket).
IFACE=p2p-dev-wlan0 CONF=/etc/hostp2pd.yaml LOG=/tmp/hostp2pd.log
while [ $# -gt 0 ]; do
	case $1 in -i) IFACE=$2; shift ;; -c) CONF=$2; shift ;; -b) LOG=$2; shift ;; esac
	shift
done
exec >>"$LOG" 2>&1
C=/var/run/wpa_supplicant
w() { wpa_cli -p $C -i "$@"; }
log() { echo "[$(cut -d' ' -f1 /proc/uptime)] fake-hostp2pd: $*"; }
key() { sed -n "s/^$1: *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" "$CONF" | head -n1; }
list() { awk -v k="$1:" '$1 == k { on = 1; next } on && /^ *- / { sub(/^ *- */, ""); gsub(/"/, ""); print; next } { on = 0 }' "$CONF"; }
PIN=$(key password); [ -n "$PIN" ] || PIN=$(key pin); PIN=${PIN:-00000000}
PBC=$(key pbc_in_use)
WL=$(list white_list) DENY=$(list deny_macs)
MODE=persistent
[ "$(key activate_autonomous_group)" = true ] && MODE=autonomous
[ "$(key dynamic_group)" = true ] && [ "$(key activate_persistent_group)" != true ] && MODE=dynamic
log "mode=$MODE pbc=$PBC pin=$PIN white_list=[$WL] deny=[$DENY]"
GIF=
trap 'log "terminating"; [ -n "$GIF" ] && w $IFACE p2p_group_remove $GIF; exit 0' TERM INT
case $MODE in
autonomous) w $IFACE p2p_group_add ;;
persistent)
	id=$(w $IFACE list_networks | awk -F'\t' '/P2P-PERSISTENT/ { print $1; exit }')
	if [ -n "$id" ]; then w $IFACE p2p_group_add persistent=$id; else w $IFACE p2p_group_add persistent; fi ;;
dynamic) w $IFACE p2p_listen ;;
esac
denied() { echo "$DENY" | grep -qix "$1"; }
seen=$(wc -l </tmp/go.log) active="" queue="" stas=0
while :; do
	n=$(wc -l </tmp/go.log)
	if [ "$n" -gt "$seen" ]; then
		tail -n +$((seen + 1)) /tmp/go.log | head -n $((n - seen)) >/tmp/fake.new
		seen=$n
		while read -r l; do
			a=$(echo "$l" | sed -n 's/.*P2P-[A-Z-]* \([0-9a-f:]\{17\}\).*/\1/p')
			case "$l" in
			*"P2P-GROUP-STARTED "*" GO "*)
				GIF=$(echo "$l" | sed 's/.*P2P-GROUP-STARTED \([^ ]*\) .*/\1/')
				/sbin/ip addr add 192.168.49.1/24 dev $GIF
				printf 'interface %s\nstart 192.168.49.2\nend 192.168.49.254\nlease_file /tmp/fake.leases\noption subnet 255.255.255.0\n' $GIF >/tmp/fake-udhcpd.conf
				: >/tmp/fake.leases; udhcpd -f /tmp/fake-udhcpd.conf & log "group $GIF up" ;;
			*"P2P-GROUP-REMOVED "*) killall udhcpd; GIF= ;;
			*P2P-GO-NEG-REQUEST*)
				denied "$a" || w $IFACE p2p_connect $a pbc go_intent=15 ;;
			*P2P-PROV-DISC-PBC-REQ*)
				name=$(echo "$l" | sed -n "s/.* name='\([^']*\)'.*/\1/p")
				if denied "$a"; then log "deny $a"
				elif [ -n "$WL" ] && ! echo "$WL" | grep -qx "$name"; then log "$name not in white_list"
				elif [ -n "$GIF" ]; then w $GIF wps_pbc p2p_dev_addr=$a; fi ;;
			*P2P-PROV-DISC-SHOW-PIN*|*P2P-PROV-DISC-ENTER-PIN*)
				if denied "$a"; then log "deny $a"
				elif [ "$a" != "$active" ]; then queue="$queue $a"; fi ;;
			*" AP-STA-CONNECTED "*) stas=$((stas + 1)); [ "${l##*p2p_dev_addr=}" = "$active" ] && active="" ;;
			*" AP-STA-DISCONNECTED "*)
				stas=$((stas - 1))
				[ $MODE = dynamic ] && [ $stas -le 0 ] && [ -n "$GIF" ] && { w $IFACE p2p_group_remove $GIF; stas=0; } ;;
			esac
		done </tmp/fake.new
	fi
	if [ -z "$active" ] && [ -n "$(echo $queue)" ] && [ -n "$GIF" ]; then
		set -- $queue; active=$1; shift; queue="$*"
		log "arm PIN for $active: $(w $GIF wps_pin any $PIN)"
	fi
	sleep 0.1
done
