// Package wpadbus drives wpa_supplicant's P2P functions over its D-Bus
// interface (fi.w1.wpa_supplicant1, wpa_supplicant started with -u) and
// presents them the way the control socket does: [Conn.Request] takes
// control-socket command text ("P2P_GROUP_ADD persistent=0") and makes the
// equivalent method call, and [Conn.Events] yields the signals as the event
// lines a monitor socket would send ("P2P-GROUP-STARTED p2p-wlan0-0 GO …"),
// so that wpaevent.Parse and the session machine read them unchanged.
//
// It follows wpa_supplicant 2.10: wpa_supplicant/dbus/dbus_new.c (signal
// names and arguments), dbus_new_handlers_p2p.c and dbus_new_handlers_wps.c
// (method arguments) and doc/dbus.doxygen.
//
// What it does not do: D-Bus has no equivalent for a number of control
// socket commands (SET, GET of most fields, P2P_PEER's full text, STATUS's
// p2p_device_address, EAPOL, LIST_STA, P2P_SERVICE_*); for those Request
// returns an error wrapping [ErrNoEquivalent] that names the command, never
// a pretended "OK". Some events carry less over D-Bus than on the socket:
// StaAuthorized gives only the station's interface address (no
// p2p_dev_addr=), and WPS "success" gives no enrollee address. See
// docs/dbus.md.
package wpadbus
