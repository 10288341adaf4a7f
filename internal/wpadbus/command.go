package wpadbus

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// call is one D-Bus method call that a control-socket command becomes.
type call struct {
	// on names the interface whose object receives the call: "" is the
	// interface the command was sent to; otherwise a group interface named
	// by the command itself (P2P_GROUP_REMOVE <ifname>, P2P_INVITE group=).
	on string
	// dev sends the call to the P2P device object whatever the
	// interface the command was sent to (P2P methods live there).
	dev    bool
	method string
	args   []any
	// pin: the reply's string is a generated PIN, the socket's reply text
	// (P2P_CONNECT … pin, WPS_PIN … any); otherwise the reply is "OK".
	pin bool
}

func noEquivalent(cmd, why string) error {
	return fmt.Errorf("wpadbus: %s: %w: %s", firstWord(cmd), ErrNoEquivalent, why)
}

// parseCmd translates a control-socket command that maps to a single
// method call. dev is the P2P device object (peer and persistent group
// objects hang below it). Commands answered from properties (STATUS,
// LIST_NETWORKS, …) are not calls and are handled by Request.
func parseCmd(cmd string, dev dbus.ObjectPath) (call, error) {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return call{}, errors.New("wpadbus: empty command")
	}
	bad := func(why string) (call, error) {
		return call{}, fmt.Errorf("wpadbus: %s: %s", f[0], why)
	}
	peer := func(s string) (dbus.ObjectPath, bool) {
		m, err := wpaevent.ParseMAC(s)
		if err != nil {
			return "", false
		}
		return peerPath(dev, m), true
	}
	pgroup := func(id string) (dbus.ObjectPath, bool) {
		n, err := strconv.Atoi(id)
		if err != nil || n < 0 {
			return "", false
		}
		return dev + "/PersistentGroups/" + dbus.ObjectPath(strconv.Itoa(n)), true
	}
	switch f[0] {
	case "P2P_FIND":
		a := map[string]dbus.Variant{}
		for _, t := range f[1:] {
			switch {
			case strings.HasPrefix(t, "type="):
				a["DiscoveryType"] = dbus.MakeVariant(strings.TrimPrefix(t, "type="))
			default:
				n, err := strconv.Atoi(t)
				if err != nil || n < 0 {
					return call{}, noEquivalent(cmd, "argument "+strconv.Quote(t)+" of P2P_FIND")
				}
				a["Timeout"] = dbus.MakeVariant(int32(n))
			}
		}
		return call{dev: true, method: p2pIface + ".Find", args: []any{a}}, nil
	case "P2P_STOP_FIND":
		return call{dev: true, method: p2pIface + ".StopFind"}, nil
	case "P2P_CANCEL":
		return call{dev: true, method: p2pIface + ".Cancel"}, nil
	case "P2P_FLUSH":
		return call{dev: true, method: p2pIface + ".Flush"}, nil
	case "P2P_LISTEN":
		n := 0
		if len(f) > 1 {
			v, err := strconv.Atoi(f[1])
			if err != nil || v < 0 || len(f) > 2 {
				return bad("want P2P_LISTEN [timeout]")
			}
			n = v
		}
		return call{dev: true, method: p2pIface + ".Listen", args: []any{int32(n)}}, nil
	case "P2P_GROUP_ADD":
		a := map[string]dbus.Variant{}
		for _, t := range f[1:] {
			k, v, _ := strings.Cut(t, "=")
			switch {
			case t == "persistent":
				a["persistent"] = dbus.MakeVariant(true)
			case k == "persistent":
				p, ok := pgroup(v)
				if !ok {
					return bad("bad persistent=" + v)
				}
				a["persistent_group_object"] = dbus.MakeVariant(p)
			case k == "freq":
				n, ok := natural(v, math.MaxInt32)
				if !ok {
					return bad("bad freq=" + v)
				}
				a["frequency"] = dbus.MakeVariant(n)
			default:
				// GroupAdd takes persistent, persistent_group_object and
				// frequency only (wpas_dbus_handler_p2p_group_add).
				return call{}, noEquivalent(cmd, "GroupAdd has no argument for "+strconv.Quote(t))
			}
		}
		return call{dev: true, method: p2pIface + ".GroupAdd", args: []any{a}}, nil
	case "P2P_CONNECT":
		if len(f) < 3 {
			return bad("want P2P_CONNECT <addr> <pbc|pin|PIN> …")
		}
		p, ok := peer(f[1])
		if !ok {
			return bad("bad address " + strconv.Quote(f[1]))
		}
		a := map[string]dbus.Variant{"peer": dbus.MakeVariant(p)}
		pin := false
		switch m := f[2]; {
		case m == "pbc":
			a["wps_method"] = dbus.MakeVariant("pbc")
		case m == "pin":
			a["wps_method"] = dbus.MakeVariant("pin")
			pin = true
		case isPIN(m):
			a["wps_method"] = dbus.MakeVariant("pin")
			a["pin"] = dbus.MakeVariant(m)
		default:
			return bad("bad method " + strconv.Quote(m))
		}
		for _, t := range f[3:] {
			k, v, _ := strings.Cut(t, "=")
			switch {
			case t == "display" || t == "keypad":
				if a["wps_method"].Value() == "pin" {
					a["wps_method"] = dbus.MakeVariant(t)
				}
			case t == "persistent":
				a["persistent"] = dbus.MakeVariant(true)
			case t == "join":
				a["join"] = dbus.MakeVariant(true)
			case t == "auth":
				a["authorize_only"] = dbus.MakeVariant(true)
			case k == "go_intent":
				n, ok := natural(v, 15)
				if !ok {
					return bad("bad go_intent=" + v)
				}
				a["go_intent"] = dbus.MakeVariant(n)
			case k == "freq":
				n, ok := natural(v, math.MaxInt32)
				if !ok {
					return bad("bad freq=" + v)
				}
				a["frequency"] = dbus.MakeVariant(n)
			default:
				// persistent=<id>, provdisc, ht40, vht…: not arguments of
				// Connect (wpas_dbus_handler_p2p_connect).
				return call{}, noEquivalent(cmd, "Connect has no argument for "+strconv.Quote(t))
			}
		}
		return call{dev: true, method: p2pIface + ".Connect", args: []any{a}, pin: pin}, nil
	case "P2P_INVITE":
		a := map[string]dbus.Variant{}
		c := call{method: p2pIface + ".Invite"}
		for _, t := range f[1:] {
			k, v, _ := strings.Cut(t, "=")
			switch k {
			case "peer":
				p, ok := peer(v)
				if !ok {
					return bad("bad peer=" + v)
				}
				a["peer"] = dbus.MakeVariant(p)
			case "persistent":
				p, ok := pgroup(v)
				if !ok {
					return bad("bad persistent=" + v)
				}
				a["persistent_group_object"] = dbus.MakeVariant(p)
				c.dev = true
			case "group":
				// Invite without a persistent group invites to the group
				// of the interface called: the group interface.
				c.on = v
			default:
				return call{}, noEquivalent(cmd, "Invite has no argument for "+strconv.Quote(t))
			}
		}
		if _, ok := a["peer"]; !ok {
			return bad("want peer=<addr>")
		}
		c.args = []any{a}
		return c, nil
	case "P2P_PROV_DISC":
		// ProvisionDiscoveryRequest(o peer, s config_method); no "join"
		// argument (wpas_dbus_handler_p2p_prov_disc_req).
		if len(f) != 3 {
			return call{}, noEquivalent(cmd, "ProvisionDiscoveryRequest takes a peer and a method only")
		}
		p, ok := peer(f[1])
		if !ok {
			return bad("bad address " + strconv.Quote(f[1]))
		}
		switch f[2] {
		case "display", "keypad", "pbc", "pushbutton":
		default:
			return bad("bad method " + strconv.Quote(f[2]))
		}
		return call{dev: true, method: p2pIface + ".ProvisionDiscoveryRequest", args: []any{p, f[2]}}, nil
	case "P2P_GROUP_REMOVE":
		if len(f) != 2 {
			return bad("want P2P_GROUP_REMOVE <ifname>")
		}
		// Disconnect on the group interface object ends that group.
		return call{on: f[1], method: p2pIface + ".Disconnect"}, nil
	case "P2P_REMOVE_CLIENT":
		if len(f) != 2 {
			return bad("want P2P_REMOVE_CLIENT <addr>|iface=<addr>")
		}
		if v, ok := strings.CutPrefix(f[1], "iface="); ok {
			m, err := wpaevent.ParseMAC(v)
			if err != nil {
				return bad("bad iface=" + v)
			}
			return call{dev: true, method: p2pIface + ".RemoveClient",
				args: []any{map[string]dbus.Variant{"iface": dbus.MakeVariant(m[:])}}}, nil
		}
		p, ok := peer(f[1])
		if !ok {
			return bad("bad address " + strconv.Quote(f[1]))
		}
		return call{dev: true, method: p2pIface + ".RemoveClient",
			args: []any{map[string]dbus.Variant{"peer": dbus.MakeVariant(p)}}}, nil
	case "WPS_PBC":
		// On an AP (the GO's group interface) WPS.Start with type pbc
		// pushes the button (wpa_supplicant_ap_wps_pbc).
		a := map[string]dbus.Variant{"Role": dbus.MakeVariant("enrollee"), "Type": dbus.MakeVariant("pbc")}
		for _, t := range f[1:] {
			v, ok := strings.CutPrefix(t, "p2p_dev_addr=")
			m, err := wpaevent.ParseMAC(v)
			if !ok || err != nil {
				return call{}, noEquivalent(cmd, "WPS.Start has no argument for "+strconv.Quote(t))
			}
			a["P2PDeviceAddress"] = dbus.MakeVariant(m[:])
		}
		return call{method: wpsIface + ".Start", args: []any{a}}, nil
	case "WPS_PIN":
		// On an AP, WPS.Start with type pin arms the PIN for the enrollee
		// in Bssid, or for any enrollee (wpa_supplicant_ap_wps_pin).
		if len(f) != 3 || !isPIN(f[2]) {
			return bad("want WPS_PIN <any|addr> <pin>")
		}
		a := map[string]dbus.Variant{"Role": dbus.MakeVariant("enrollee"), "Type": dbus.MakeVariant("pin"),
			"Pin": dbus.MakeVariant(f[2])}
		if f[1] != "any" {
			m, err := wpaevent.ParseMAC(f[1])
			if err != nil {
				return bad("bad address " + strconv.Quote(f[1]))
			}
			a["Bssid"] = dbus.MakeVariant(m[:])
		}
		return call{method: wpsIface + ".Start", args: []any{a}}, nil
	case "WPS_CANCEL":
		return call{method: wpsIface + ".Cancel"}, nil
	case "SAVE_CONFIG":
		return call{method: ifaceIface + ".SaveConfig"}, nil
	case "P2P_SET":
		if len(f) == 3 && f[1] == "ssid_postfix" {
			return deviceConfig("SsidPostfix", dbus.MakeVariant(f[2])), nil
		}
		return call{}, noEquivalent(cmd, "P2PDeviceConfig has no field for "+strconv.Quote(strings.Join(f[1:2], "")))
	case "SET":
		if len(f) != 3 {
			return bad("want SET <name> <value>")
		}
		field, ok := configFields[f[1]]
		if !ok {
			return call{}, noEquivalent(cmd, "P2PDeviceConfig has no field for "+strconv.Quote(f[1]))
		}
		v, err := field.value(f[2])
		if err != nil {
			return bad(f[1] + ": " + err.Error())
		}
		return deviceConfig(field.name, v), nil
	}
	return call{}, noEquivalent(cmd, "no method or property does what it does on the control socket")
}

// deviceConfig sets one field of the P2P device's P2PDeviceConfig
// (wpa_supplicant's setter changes only the fields it is given).
func deviceConfig(field string, v dbus.Variant) call {
	return call{dev: true, method: propsIface + ".Set", args: []any{p2pIface, "P2PDeviceConfig",
		dbus.MakeVariant(map[string]dbus.Variant{field: v})}}
}

// configField is the P2PDeviceConfig field of a wpa_supplicant setting.
type configField struct {
	name  string
	value func(string) (dbus.Variant, error)
}

func textField(s string) (dbus.Variant, error) { return dbus.MakeVariant(s), nil }

func uintField(s string) (dbus.Variant, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return dbus.Variant{}, errors.New("not a number")
	}
	return dbus.MakeVariant(uint32(n)), nil
}

func boolField(s string) (dbus.Variant, error) {
	switch s {
	case "0":
		return dbus.MakeVariant(false), nil
	case "1":
		return dbus.MakeVariant(true), nil
	}
	return dbus.Variant{}, errors.New("want 0 or 1")
}

func ip4Field(s string) (dbus.Variant, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return dbus.Variant{}, errors.New("not an IPv4 address")
	}
	b := a.As4()
	return dbus.MakeVariant(b[:]), nil
}

// configFields are the settings (SET <name> <value>, config_parms) that
// wpa_supplicant 2.10's P2PDeviceConfig setter takes
// (wpas_dbus_setter_p2p_device_config in dbus_new_handlers_p2p.c).
var configFields = map[string]configField{
	"device_name":          {"DeviceName", textField},
	"p2p_ssid_postfix":     {"SsidPostfix", textField},
	"p2p_go_intent":        {"GOIntent", uintField},
	"p2p_listen_reg_class": {"ListenRegClass", uintField},
	"p2p_listen_channel":   {"ListenChannel", uintField},
	"p2p_oper_reg_class":   {"OperRegClass", uintField},
	"p2p_oper_channel":     {"OperChannel", uintField},
	"p2p_group_idle":       {"GroupIdle", uintField},
	"disassoc_low_ack":     {"disassoc_low_ack", uintField},
	"p2p_search_delay":     {"p2p_search_delay", uintField},
	"persistent_reconnect": {"PersistentReconnect", boolField},
	"p2p_intra_bss":        {"IntraBss", boolField},
	"p2p_no_group_iface":   {"NoGroupIface", boolField},
	"ip_addr_go":           {"IpAddrGo", ip4Field},
	"ip_addr_mask":         {"IpAddrMask", ip4Field},
	"ip_addr_start":        {"IpAddrStart", ip4Field},
	"ip_addr_end":          {"IpAddrEnd", ip4Field},
}

// propCmd names the commands Request answers from properties rather than
// with a method call ("" for the others).
func propCmd(cmd string) string {
	f := strings.Fields(cmd)
	switch {
	case cmd == "PING", cmd == "INTERFACES", cmd == "LIST_NETWORKS", cmd == "GET config_methods":
		return cmd
	case len(f) >= 4 && f[0] == "SET_NETWORK":
		return f[0]
	case len(f) == 3 && f[0] == "GET_NETWORK", len(f) == 2 && f[0] == "P2P_PEER" && f[1] != "FIRST" && !strings.HasPrefix(f[1], "NEXT-"):
		return f[0]
	}
	return ""
}

// translatable returns nil when Request can carry cmd over D-Bus, an
// error wrapping ErrNoEquivalent when it cannot, and another error when
// cmd is malformed.
func translatable(cmd string) error {
	if propCmd(cmd) != "" {
		return nil
	}
	_, err := parseCmd(cmd, "/")
	return err
}

// isPIN reports whether s is a WPS PIN (4 or 8 digits).
func isPIN(s string) bool {
	if len(s) != 4 && len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Request translates the control-socket command cmd, addressed to the
// P2P device interface, into D-Bus and returns what the control socket
// would have replied ("OK\n", a PIN, a LIST_NETWORKS table). A D-Bus
// error reply is a *MethodError (the socket's FAIL); a command without a
// D-Bus equivalent wraps ErrNoEquivalent and nothing is sent.
func (c *Conn) Request(ctx context.Context, cmd string) (string, error) {
	return c.RequestIface(ctx, "", cmd)
}

// RequestIface is Request for the interface iface ("" or the P2P device
// name: the P2P device; else a group interface).
func (c *Conn) RequestIface(ctx context.Context, iface, cmd string) (string, error) {
	select {
	case <-c.done:
		return "", fmt.Errorf("wpadbus: %s: %w", firstWord(cmd), wpactrl.ErrClosed)
	default:
	}
	if err := c.Err(); err != nil {
		return "", err
	}
	if cmd == "STATUS" && iface != "" && iface != c.dev {
		return c.groupStatus(ctx, iface)
	}
	switch f := strings.Fields(cmd); propCmd(cmd) {
	case "PING":
		if err := c.bus.Object(Service, rootPath).CallWithContext(ctx, "org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
			return "", c.classify("PING", err)
		}
		return "PONG\n", nil
	case "INTERFACES":
		return c.interfaces(ctx)
	case "LIST_NETWORKS":
		return c.listNetworks(ctx)
	case "GET_NETWORK":
		return c.getNetwork(ctx, f[1], f[2])
	case "SET_NETWORK":
		// The value is the rest of the line after "SET_NETWORK <id> <field> ".
		_, rest, _ := strings.Cut(cmd, " ")
		_, rest, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
		_, rest, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
		return c.setNetwork(ctx, f[1], f[2], strings.TrimLeft(rest, " "))
	case "GET config_methods":
		v, err := c.property(ctx, c.devPath, wpsIface, "ConfigMethods")
		if err != nil {
			return "", c.classify("WPS.ConfigMethods", err)
		}
		s, _ := v.Value().(string)
		return s, nil
	case "P2P_PEER":
		return c.peerText(ctx, f[1])
	}
	k, err := parseCmd(cmd, c.devPath)
	if err != nil {
		return "", err
	}
	target := iface
	if k.on != "" {
		target = k.on
	}
	p := c.devPath
	if !k.dev {
		if p, err = c.ifacePath(ctx, target); err != nil {
			return "", err
		}
	}
	res := c.bus.Object(Service, p).CallWithContext(ctx, k.method, 0, k.args...)
	if res.Err != nil {
		var de dbus.Error
		if errors.As(res.Err, &de) && de.Name != "org.freedesktop.DBus.Error.AccessDenied" {
			return "", &MethodError{Cmd: cmd, Method: k.method, Name: de.Name, Text: errText(de)}
		}
		return "", c.classify(firstWord(cmd), res.Err)
	}
	if k.pin {
		if s, ok := arg[string](res.Body, 0); ok && s != "" {
			return s + "\n", nil
		}
	}
	if k.method == wpsIface+".Start" && strings.HasPrefix(cmd, "WPS_PIN") {
		// The control socket answers WPS_PIN with the PIN.
		return strings.Fields(cmd)[2] + "\n", nil
	}
	return "OK\n", nil
}

// groupStatus answers STATUS on a group interface from its
// P2PDevice.Group object (Role, SSID, BSSID, Frequency): what the session
// reads to adopt a running group (mode, ssid, freq) and the group's BSSID
// (bssid=, and address=, which a GO's STATUS also gives). The P2P
// device's own STATUS has no equivalent (p2p_device_address).
func (c *Conn) groupStatus(ctx context.Context, iface string) (string, error) {
	p, err := c.ifacePath(ctx, iface)
	if err != nil {
		return "", err
	}
	v, err := c.property(ctx, p, p2pIface, "Group")
	if err != nil {
		return "", c.classify("P2PDevice.Group of "+iface, err)
	}
	gp, _ := v.Value().(dbus.ObjectPath)
	if gp == "" || gp == "/" {
		return "", fmt.Errorf("wpadbus: STATUS of %s: %w: no P2P group runs on it", iface, ErrNoEquivalent)
	}
	m, err := c.properties(ctx, gp, groupIface)
	if err != nil {
		return "", c.classify("Group of "+iface, err)
	}
	gi := groupFromProps(m)
	var b strings.Builder
	bs, _ := m["BSSID"].Value().([]byte)
	bssid, hasBSSID := macFromBytes(bs)
	if hasBSSID {
		fmt.Fprintf(&b, "bssid=%s\n", bssid)
	}
	fmt.Fprintf(&b, "freq=%d\nssid=%s\n", gi.Freq, gi.SSID)
	switch role, _ := m["Role"].Value().(string); role {
	case "GO":
		b.WriteString("mode=P2P GO\n")
	case "client":
		b.WriteString("mode=P2P client\n")
	}
	if hasBSSID {
		fmt.Fprintf(&b, "address=%s\n", bssid)
	}
	return b.String(), nil
}

func (c *Conn) interfaces(ctx context.Context) (string, error) {
	v, err := c.property(ctx, rootPath, Service, "Interfaces")
	if err != nil {
		return "", c.classify("Interfaces", err)
	}
	ps, _ := v.Value().([]dbus.ObjectPath)
	var b strings.Builder
	for _, p := range ps {
		if n, ok := c.ifname(p); ok {
			b.WriteString(n + "\n")
		}
	}
	return b.String(), nil
}

// network is a configured network or persistent group with its id.
type network struct {
	id    int
	props map[string]dbus.Variant
	p2p   bool // a persistent group object (disabled=2)
	path  dbus.ObjectPath
}

func (c *Conn) networks(ctx context.Context) ([]network, error) {
	var out []network
	for _, src := range []struct {
		iface, prop, propsIface string
		p2p                     bool
	}{{ifaceIface, "Networks", Service + ".Network", false}, {p2pIface, "PersistentGroups", pgIface, true}} {
		v, err := c.property(ctx, c.devPath, src.iface, src.prop)
		var de dbus.Error
		if err != nil && src.p2p && errors.As(err, &de) && de.Name != "org.freedesktop.DBus.Error.AccessDenied" {
			// wpa_supplicant answers InterfaceUnknown ("no P2P mgmt
			// interface") where P2P is not running.
			return nil, fmt.Errorf("wpadbus: PersistentGroups of %s: %w (%s: %s)", c.dev, ErrNoP2P, de.Name, errText(de))
		}
		if err != nil {
			return nil, c.classify(src.prop, err)
		}
		ps, _ := v.Value().([]dbus.ObjectPath)
		for _, p := range ps {
			s := string(p)
			id, err := strconv.Atoi(s[strings.LastIndexByte(s, '/')+1:])
			if err != nil {
				continue
			}
			pv, err := c.property(ctx, p, src.propsIface, "Properties")
			if err != nil {
				return nil, c.classify(src.prop+" Properties", err)
			}
			m, _ := pv.Value().(map[string]dbus.Variant)
			out = append(out, network{id: id, props: m, p2p: src.p2p, path: p})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

func strProp(m map[string]dbus.Variant, k string) string {
	s, _ := m[k].Value().(string)
	return s
}

// listNetworks builds the LIST_NETWORKS table (wpa_supplicant_ctrl_iface_list_networks)
// from the Networks and PersistentGroups objects: "network id / ssid /
// bssid / flags", the ssid unquoted, flags [DISABLED][P2P-PERSISTENT] for
// persistent groups.
func (c *Conn) listNetworks(ctx context.Context) (string, error) {
	ns, err := c.networks(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("network id / ssid / bssid / flags\n")
	for _, n := range ns {
		ssid := strings.Trim(strProp(n.props, "ssid"), `"`)
		bssid := strProp(n.props, "bssid")
		if bssid == "" {
			bssid = "any"
		}
		flags := ""
		switch {
		case n.p2p || strProp(n.props, "disabled") == "2":
			flags = "[DISABLED][P2P-PERSISTENT]"
		case strProp(n.props, "disabled") == "1":
			flags = "[DISABLED]"
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\n", n.id, ssid, bssid, flags)
	}
	return b.String(), nil
}

// network returns the network or persistent group with the id of cmd's
// SET_NETWORK/GET_NETWORK; none is the socket's FAIL.
func (c *Conn) network(ctx context.Context, cmd, id string) (network, error) {
	ns, err := c.networks(ctx)
	if err != nil {
		return network{}, err
	}
	for _, n := range ns {
		if strconv.Itoa(n.id) == id {
			return n, nil
		}
	}
	return network{}, &MethodError{Cmd: cmd, Method: "Properties", Name: "no such network", Text: "the control socket answers FAIL"}
}

// getNetwork answers GET_NETWORK <id> <field> from the network's
// Properties (wpa_config_get_all, the same text as wpa_config_get).
func (c *Conn) getNetwork(ctx context.Context, id, field string) (string, error) {
	cmd := "GET_NETWORK " + id + " " + field
	n, err := c.network(ctx, cmd, id)
	if err != nil {
		return "", err
	}
	v, ok := n.props[field]
	if !ok {
		return "", &MethodError{Cmd: cmd, Method: "Properties", Name: "field not set", Text: "the control socket answers FAIL"}
	}
	s, _ := v.Value().(string)
	return s, nil
}

// dontQuote are the fields whose string value wpa_supplicant 2.10's D-Bus
// setter passes on as is (dbus_new_handlers.c dont_quote); it quotes
// every other string.
var dontQuote = map[string]bool{
	"key_mgmt": true, "proto": true, "pairwise": true, "auth_alg": true, "group": true, "eap": true,
	"bssid": true, "scan_freq": true, "freq_list": true, "scan_ssid": true, "bssid_hint": true,
	"bssid_ignore": true, "bssid_accept": true, "bssid_blacklist": true, "bssid_whitelist": true,
	"group_mgmt": true, "ignore_broadcast_ssid": true, "go_p2p_dev_addr": true, "p2p_client_list": true, "psk_list": true,
}

// setValue is the D-Bus value that set_network_properties (dbus_new_handlers.c)
// turns back into the control socket's text v for field: a quoted text
// becomes a string (the setter quotes it again), a bare number an int32,
// a bare 64-hex psk its bytes (the setter writes them as hex, unquoted), a
// bare text of a dont_quote field that text. Anything else has no D-Bus form.
func setValue(field, v string) (dbus.Variant, bool) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && !dontQuote[field] {
		return dbus.MakeVariant(v[1 : len(v)-1]), true
	}
	if n, err := strconv.ParseInt(v, 10, 32); err == nil {
		return dbus.MakeVariant(int32(n)), true
	}
	if field == "psk" && len(v) == 64 {
		if b, err := hex.DecodeString(v); err == nil {
			return dbus.MakeVariant(b), true
		}
	}
	if dontQuote[field] && v != "" && !strings.ContainsRune(v, '"') {
		return dbus.MakeVariant(v), true
	}
	return dbus.Variant{}, false
}

// setNetwork answers SET_NETWORK <id> <field> <value> by setting the
// Properties of the network or persistent group object with that id
// (wpas_dbus_setter_network_properties / _persistent_group_properties,
// both set_network_properties: wpa_config_set, and the passphrase's PSK
// recomputed as on the socket).
func (c *Conn) setNetwork(ctx context.Context, id, field, value string) (string, error) {
	cmd := "SET_NETWORK " + id + " " + field
	v, ok := setValue(field, value)
	if !ok {
		return "", fmt.Errorf("wpadbus: %s: %w: the value has no D-Bus form", cmd, ErrNoEquivalent)
	}
	n, err := c.network(ctx, cmd, id)
	if err != nil {
		return "", err
	}
	iface := Service + ".Network"
	if n.p2p {
		iface = pgIface
	}
	arg := dbus.MakeVariant(map[string]dbus.Variant{field: v})
	if err := c.bus.Object(Service, n.path).CallWithContext(ctx, propsIface+".Set", 0, iface, "Properties", arg).Err; err != nil {
		var de dbus.Error
		if errors.As(err, &de) && de.Name != "org.freedesktop.DBus.Error.AccessDenied" {
			return "", &MethodError{Cmd: cmd, Method: propsIface + ".Set", Name: de.Name, Text: errText(de)}
		}
		return "", c.classify("SET_NETWORK", err)
	}
	return "OK\n", nil
}

// peerText answers P2P_PEER <addr> with the lines the Peer object has:
// the address, pri_dev_type, device_name, config_methods, dev_capab and
// group_capab. The socket's age=, listen_freq=, interface_addr= and
// the other counters have no Peer property and are absent.
func (c *Conn) peerText(ctx context.Context, addr string) (string, error) {
	m, err := wpaevent.ParseMAC(addr)
	if err != nil {
		return "", fmt.Errorf("wpadbus: P2P_PEER: bad address %q", addr)
	}
	props, err := c.properties(ctx, peerPath(c.devPath, m), peerIface)
	if err != nil {
		var de dbus.Error
		if errors.As(err, &de) && de.Name != "org.freedesktop.DBus.Error.AccessDenied" {
			return "", &MethodError{Cmd: "P2P_PEER " + addr, Method: propsIface + ".GetAll", Name: de.Name, Text: errText(de)}
		}
		return "", c.classify("P2P_PEER", err)
	}
	pi := peerFromProps(props)
	return fmt.Sprintf("%s\npri_dev_type=%s\ndevice_name=%s\nconfig_methods=0x%x\ndev_capab=0x%x\ngroup_capab=0x%x\n",
		m, pi.PriDevType, pi.Name, pi.ConfigMethods, pi.DevCapab, pi.GroupCapab), nil
}

// natural parses a command argument 0..max as D-Bus's int32.
func natural(v string, max int) (int32, bool) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, false
	}
	return int32(n), true
}
