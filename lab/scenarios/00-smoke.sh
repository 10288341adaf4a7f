#!/bin/sh
# lab-radios: 2
# lab-timeout: 40
# Smoke test of the lab itself (no daemon, no phone simulator): the radios
# exist, the image's device nodes are there, a phone radio can be moved into
# its netns and both supplicants start.  Run it twice in one boot to check
# that /init resets the world between scenarios.
. /lab/lib.sh
check radios-present [ "$(ls /sys/class/ieee80211 | wc -l)" -ge 2 ]
check phy0-is-wlan0 [ "$(cat /sys/class/net/wlan0/phy80211/name 2>/dev/null)" = phy0 ]
check no-stale-sockets [ -z "$(ls $CTRL)" ]
check no-stale-netns [ -z "$(ip netns list)" ]
mkdir -p /tmp/rootfs && mount --bind / /tmp/rootfs
check image-dev-console [ -c /tmp/rootfs/dev/console ]
check image-dev-null [ -c /tmp/rootfs/dev/null ]
umount /tmp/rootfs
check go-supplicant go_start
check phone-up phone_up 1
check phone-in-netns [ -z "$(ls /sys/class/net | grep wlan1)" ]
check phone-socket-visible [ "$(wcli p2p-dev-wlan1 ping)" = PONG ]
lab_exit
