package wpadbus

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// D-Bus names of wpa_supplicant 2.10 (wpa_supplicant/dbus/dbus_new.h).
const (
	// Service is the bus name wpa_supplicant -u owns.
	Service    = "fi.w1.wpa_supplicant1"
	rootPath   = dbus.ObjectPath("/fi/w1/wpa_supplicant1")
	ifaceIface = Service + ".Interface"
	p2pIface   = ifaceIface + ".P2PDevice"
	wpsIface   = ifaceIface + ".WPS"
	groupIface = Service + ".Group"
	peerIface  = Service + ".Peer"
	pgIface    = Service + ".PersistentGroup"
	propsIface = "org.freedesktop.DBus.Properties"
	busName    = "org.freedesktop.DBus"
)

// peerInfo is what a Peer object tells of a device (its properties in
// dbus_new.c wpas_dbus_p2p_peer_properties).
type peerInfo struct {
	Name          string
	PriDevType    string
	ConfigMethods uint16
	DevCapab      uint8
	GroupCapab    uint8
}

// groupInfo is what a Group object tells (wpas_dbus_p2p_group_properties).
type groupInfo struct {
	SSID       string
	Freq       int
	Passphrase string
	PSK        string
}

// lookup answers the questions a signal leaves open; Conn asks
// wpa_supplicant, tests answer from a table. A failed lookup returns the
// zero value and ok false: the event is then sent with what the signal
// itself carries.
type lookup interface {
	peer(p dbus.ObjectPath) (peerInfo, bool)
	ifname(p dbus.ObjectPath) (string, bool)
	group(p dbus.ObjectPath) (groupInfo, bool)
	// groupOf returns the interface name learnt from GroupStarted for
	// the group interface object p, and forgets it when forget is set.
	groupOf(p dbus.ObjectPath, forget bool) (string, bool)
	// learn records that the group interface object p is ifname, its
	// group object g.
	learn(p dbus.ObjectPath, ifname string, g dbus.ObjectPath)
	// stationDev returns the P2P device address of station sta on the
	// group interface p (see memberTracker), when it is known.
	stationDev(p dbus.ObjectPath, sta wpaevent.MAC, connected bool) (wpaevent.MAC, bool)
}

// peerAddr returns the P2P device address that ends a peer object path
// (…/Peers/<12 hex digits>, dbus_new_helpers.c COMPACT_MACSTR).
func peerAddr(p dbus.ObjectPath) (wpaevent.MAC, bool) {
	s := string(p)
	i := strings.LastIndex(s, "/Peers/")
	if i < 0 {
		return wpaevent.MAC{}, false
	}
	return macFromHex(s[i+len("/Peers/"):])
}

func macFromHex(h string) (wpaevent.MAC, bool) {
	var m wpaevent.MAC
	if len(h) != 12 {
		return m, false
	}
	if _, err := hex.Decode(m[:], []byte(h)); err != nil {
		return wpaevent.MAC{}, false
	}
	return m, true
}

func macFromBytes(b []byte) (wpaevent.MAC, bool) {
	var m wpaevent.MAC
	if len(b) != 6 {
		return m, false
	}
	copy(m[:], b)
	return m, true
}

// peerPath is the object path of the peer with P2P device address a on the
// interface object dev.
func peerPath(dev dbus.ObjectPath, a wpaevent.MAC) dbus.ObjectPath {
	return dev + "/Peers/" + dbus.ObjectPath(hex.EncodeToString(a[:]))
}

// devType formats an 8-byte WPS device type the way the control socket
// prints it: "<category>-<OUI hex>-<subcategory>" (wps_dev_type_bin2str).
func devType(b []byte) string {
	if len(b) != 8 {
		return ""
	}
	cat := int(b[0])<<8 | int(b[1])
	sub := int(b[6])<<8 | int(b[7])
	return strconv.Itoa(cat) + "-" + strings.ToUpper(hex.EncodeToString(b[2:6])) + "-" + strconv.Itoa(sub)
}

func peerFromProps(m map[string]dbus.Variant) peerInfo {
	var pi peerInfo
	pi.Name, _ = m["DeviceName"].Value().(string)
	if b, ok := m["PrimaryDeviceType"].Value().([]byte); ok {
		pi.PriDevType = devType(b)
	}
	pi.ConfigMethods, _ = m["config_method"].Value().(uint16)
	pi.DevCapab, _ = m["devicecapability"].Value().(uint8)
	pi.GroupCapab, _ = m["groupcapability"].Value().(uint8)
	return pi
}

func groupFromProps(m map[string]dbus.Variant) groupInfo {
	var gi groupInfo
	if b, ok := m["SSID"].Value().([]byte); ok {
		gi.SSID = string(b)
	}
	if f, ok := m["Frequency"].Value().(uint16); ok {
		gi.Freq = int(f)
	}
	gi.Passphrase, _ = m["Passphrase"].Value().(string)
	if b, ok := m["PSK"].Value().([]byte); ok && len(b) > 0 {
		gi.PSK = hex.EncodeToString(b)
	}
	return gi
}

// newEvent returns an event of kind k with the "absent" markers Parse
// uses for the numeric fields.
func newEvent(k wpaevent.Kind) wpaevent.Event {
	return wpaevent.Event{Kind: k, Level: 3, DevPasswdID: -1, GOIntent: -1, PersistentID: -1, Status: -1,
		Msg: -1, ConfigError: -1}
}

func withPeer(ev wpaevent.Event, pi peerInfo) wpaevent.Event {
	ev.Name, ev.PriDevType, ev.ConfigMethods, ev.DevCapab, ev.GroupCapab = pi.Name, pi.PriDevType, pi.ConfigMethods, pi.DevCapab, pi.GroupCapab
	return ev
}

// translate turns one signal of wpa_supplicant into the events a monitor
// socket would have carried, with Iface set to the group interface for
// events of a group (empty for the P2P device). dev is the P2P device's
// interface object. A signal that has no socket equivalent, or that names
// an object we do not know, gives no event and a reason for the debug log.
func translate(sig *dbus.Signal, dev dbus.ObjectPath, lk lookup) ([]wpaevent.Event, string) {
	iface, member, _ := strings.Cut(strings.TrimPrefix(sig.Name, Service+"."), ".")
	if iface == "Interface" {
		iface, member = "", strings.TrimPrefix(sig.Name, ifaceIface+".")
		if i := strings.IndexByte(member, '.'); i >= 0 {
			iface, member = member[:i], member[i+1:]
		}
	}
	body := sig.Body
	bad := func() ([]wpaevent.Event, string) {
		return nil, fmt.Sprintf("%s: unexpected arguments %v", sig.Name, sig.Body)
	}
	group := "" // the group interface a P2PDevice signal came from
	if iface == "P2PDevice" && sig.Path != dev {
		// WpsFailed is sent from the group interface during group
		// formation (wpas_p2p_wps_failed → wpas_dbus_signal_p2p_wps_failed
		// on the group's wpa_s); every other P2PDevice signal comes from
		// the P2P device.
		g, ok := lk.groupOf(sig.Path, false)
		if !ok || member != "WpsFailed" {
			return nil, fmt.Sprintf("%s from %s, not our P2P device %s", member, sig.Path, dev)
		}
		group = g
	}
	switch iface + "." + member {
	case "P2PDevice.DeviceFoundProperties":
		p, ok1 := arg[dbus.ObjectPath](body, 0)
		props, ok2 := arg[map[string]dbus.Variant](body, 1)
		a, ok3 := peerAddr(p)
		if !ok1 || !ok2 || !ok3 {
			return bad()
		}
		ev := withPeer(newEvent(wpaevent.DeviceFound), peerFromProps(props))
		ev.Addr, ev.PeerDev, ev.New = a, a, true
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.DeviceLost":
		p, ok1 := arg[dbus.ObjectPath](body, 0)
		a, ok2 := peerAddr(p)
		if !ok1 || !ok2 {
			return bad()
		}
		ev := newEvent(wpaevent.DeviceLost)
		ev.PeerDev = a
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.FindStopped":
		return []wpaevent.Event{newEvent(wpaevent.FindStopped)}, ""
	case "P2PDevice.ProvisionDiscoveryPBCRequest", "P2PDevice.ProvisionDiscoveryRequestEnterPin",
		"P2PDevice.ProvisionDiscoveryRequestDisplayPin", "P2PDevice.ProvisionDiscoveryPBCResponse":
		p, ok1 := arg[dbus.ObjectPath](body, 0)
		a, ok2 := peerAddr(p)
		if !ok1 || !ok2 {
			return bad()
		}
		k := map[string]wpaevent.Kind{"ProvisionDiscoveryPBCRequest": wpaevent.ProvDiscPBCReq,
			"ProvisionDiscoveryRequestEnterPin":   wpaevent.ProvDiscEnterPIN,
			"ProvisionDiscoveryRequestDisplayPin": wpaevent.ProvDiscShowPIN,
			"ProvisionDiscoveryPBCResponse":       wpaevent.ProvDiscPBCResp}[member]
		ev := newEvent(k)
		if k != wpaevent.ProvDiscPBCResp {
			pi, _ := lk.peer(p)
			ev = withPeer(ev, pi)
			ev.PeerDev = a
		}
		ev.Addr = a
		if k == wpaevent.ProvDiscShowPIN {
			pin, ok := arg[string](body, 1)
			if !ok {
				return bad()
			}
			ev.PIN = pin
		}
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.ProvisionDiscoveryFailure":
		p, ok1 := arg[dbus.ObjectPath](body, 0)
		st, ok2 := arg[int32](body, 1)
		a, ok3 := peerAddr(p)
		if !ok1 || !ok2 || !ok3 {
			return bad()
		}
		ev := newEvent(wpaevent.ProvDiscFailure)
		ev.PeerDev, ev.Status = a, int(st)
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.GONegotiationRequest":
		p, ok1 := arg[dbus.ObjectPath](body, 0)
		id, ok2 := arg[uint16](body, 1)
		intent, ok3 := arg[uint8](body, 2)
		a, ok4 := peerAddr(p)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return bad()
		}
		ev := newEvent(wpaevent.GONegRequest)
		ev.Addr, ev.DevPasswdID, ev.GOIntent = a, int(id), int(intent)
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.GONegotiationSuccess", "P2PDevice.GONegotiationFailure":
		props, ok := arg[map[string]dbus.Variant](body, 0)
		if !ok {
			return bad()
		}
		p, _ := props["peer_object"].Value().(dbus.ObjectPath)
		a, _ := peerAddr(p)
		if member == "GONegotiationFailure" {
			ev := newEvent(wpaevent.GONegFailure)
			if st, ok := props["status"].Value().(int32); ok {
				ev.Status = int(st)
			}
			return []wpaevent.Event{ev}, ""
		}
		ev := newEvent(wpaevent.GONegSuccess)
		ev.Role, _ = props["role_go"].Value().(string)
		ev.PeerDev = a
		if b, ok := props["peer_device_addr"].Value().([]byte); ok {
			ev.PeerDev, _ = macFromBytes(b)
		}
		if b, ok := props["peer_interface_addr"].Value().([]byte); ok {
			ev.PeerIface, _ = macFromBytes(b)
		}
		if f, ok := props["frequency"].Value().(int32); ok {
			ev.Freq = int(f)
		}
		ev.WPSMethod, _ = props["wps_method"].Value().(string)
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.GroupStarted":
		props, ok := arg[map[string]dbus.Variant](body, 0)
		if !ok {
			return bad()
		}
		ip, _ := props["interface_object"].Value().(dbus.ObjectPath)
		gp, _ := props["group_object"].Value().(dbus.ObjectPath)
		name, ok := lk.ifname(ip)
		if !ok {
			return nil, fmt.Sprintf("GroupStarted: the group interface object %s has no Ifname", ip)
		}
		lk.learn(ip, name, gp)
		ev := newEvent(wpaevent.GroupStarted)
		ev.Group = name
		ev.Role, _ = props["role"].Value().(string)
		ev.Persistent, _ = props["persistent"].Value().(bool)
		if gi, ok := lk.group(gp); ok {
			ev.SSID, ev.Freq, ev.Passphrase = gi.SSID, gi.Freq, gi.Passphrase
			if ev.Passphrase == "" {
				ev.PSK = gi.PSK
			}
		}
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.GroupFinished":
		props, ok := arg[map[string]dbus.Variant](body, 0)
		if !ok {
			return bad()
		}
		ip, _ := props["interface_object"].Value().(dbus.ObjectPath)
		name, ok := lk.groupOf(ip, true)
		if !ok {
			return nil, fmt.Sprintf("GroupFinished for %s, a group interface we did not see start", ip)
		}
		ev := newEvent(wpaevent.GroupRemoved)
		ev.Group = name
		ev.Role, _ = props["role"].Value().(string)
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.GroupFormationFailure":
		reason, ok := arg[string](body, 0)
		if !ok {
			return bad()
		}
		ev := newEvent(wpaevent.GroupFormationFailure)
		ev.Reason = reason
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.InvitationReceived":
		props, ok := arg[map[string]dbus.Variant](body, 0)
		if !ok {
			return bad()
		}
		ev := newEvent(wpaevent.InvitationReceived)
		if b, ok := props["sa"].Value().([]byte); ok {
			ev.Addr, _ = macFromBytes(b)
		}
		if b, ok := props["go_dev_addr"].Value().([]byte); ok {
			ev.GODevAddr, _ = macFromBytes(b)
		}
		// persistent_id is there only for a persistent group (id ≥ 0).
		if id, ok := props["persistent_id"].Value().(int32); ok && id >= 0 {
			ev.PersistentID, ev.Persistent = int(id), true
		}
		if f, ok := props["op_freq"].Value().(int32); ok {
			ev.Freq = int(f)
		}
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.InvitationResult":
		props, ok := arg[map[string]dbus.Variant](body, 0)
		if !ok {
			return bad()
		}
		ev := newEvent(wpaevent.InvitationResult)
		if st, ok := props["status"].Value().(int32); ok {
			ev.Status = int(st)
		}
		return []wpaevent.Event{ev}, ""
	case "P2PDevice.WpsFailed", "WPS.Event":
		name, ok1 := arg[string](body, 0)
		args, ok2 := arg[map[string]dbus.Variant](body, 1)
		if !ok1 || !ok2 {
			return bad()
		}
		var ev wpaevent.Event
		switch name {
		case "fail":
			ev = newEvent(wpaevent.WPSFail)
			ev.Msg = intOf(args["msg"])
			ev.ConfigError = intOf(args["config_error"])
		case "success":
			ev = newEvent(wpaevent.WPSSuccess)
		case "pbc-overlap":
			ev = newEvent(wpaevent.WPSOverlapDetected)
		default:
			return nil, "WPS event " + strconv.Quote(name) + " has no control-socket counterpart the session reads"
		}
		ev.Iface = group
		if iface == "WPS" {
			g, ok := lk.groupOf(sig.Path, false)
			if !ok && sig.Path != dev {
				return nil, fmt.Sprintf("WPS event from %s, an interface that is not ours", sig.Path)
			}
			ev.Iface = g
		}
		return []wpaevent.Event{ev}, ""
	case ".StaAuthorized", ".StaDeauthorized":
		s, ok1 := arg[string](body, 0)
		a, err := wpaevent.ParseMAC(s)
		if !ok1 || err != nil {
			return bad()
		}
		g, ok := lk.groupOf(sig.Path, false)
		if !ok {
			return nil, fmt.Sprintf("%s from %s, not a group interface we saw start", member, sig.Path)
		}
		k := wpaevent.APStaConnected
		if member == "StaDeauthorized" {
			k = wpaevent.APStaDisconnected
		}
		ev := newEvent(k)
		ev.Addr, ev.Iface = a, g
		ev.PeerDev, _ = lk.stationDev(sig.Path, a, k == wpaevent.APStaConnected)
		return []wpaevent.Event{ev}, ""
	}
	return nil, "no control-socket counterpart: " + sig.Name
}

func intOf(v dbus.Variant) int {
	switch x := v.Value().(type) {
	case int32:
		return int(x)
	case int16:
		return int(x)
	case uint16:
		return int(x)
	}
	return -1
}

// arg returns body[i] as a T.
func arg[T any](body []any, i int) (T, bool) {
	var zero T
	if i >= len(body) {
		return zero, false
	}
	v, ok := body[i].(T)
	return v, ok
}
