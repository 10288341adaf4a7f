// Package wpadbustest is a fake wpa_supplicant on a private D-Bus: it owns
// fi.w1.wpa_supplicant1 on a dbus-daemon of its own, answers the methods
// and properties internal/wpadbus uses, records every method call, and
// emits the P2P signals with the argument layouts of wpa_supplicant 2.10
// (wpa_supplicant/dbus/dbus_new.c), so that tests can drive a D-Bus
// client through what a radio-less wpa_supplicant never sends.
//
// It needs the dbus-daemon binary; without it New skips the test (fails
// under HOSTP2PD_REQUIRE_WPA=1).
package wpadbustest

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/hostp2pd/hostp2pd/wpaevent"
)

const (
	service    = "fi.w1.wpa_supplicant1"
	rootPath   = dbus.ObjectPath("/fi/w1/wpa_supplicant1")
	ifaceIface = service + ".Interface"
	p2pIface   = ifaceIface + ".P2PDevice"
	wpsIface   = ifaceIface + ".WPS"
	groupIface = service + ".Group"
	propsIface = "org.freedesktop.DBus.Properties"
)

// Call is one method call the fake received.
type Call struct {
	Path   dbus.ObjectPath
	Method string // e.g. "fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupAdd"
	Args   []any
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// Addr is the private bus's address, for wpadbus.WithAddress.
	Addr string
	// Dev is the interface object the P2P device speaks through.
	Dev dbus.ObjectPath

	tb     testing.TB
	conn   *dbus.Conn
	ifname string

	mu     sync.Mutex
	calls  []Call
	fail   map[string]*dbus.Error                // method → error for its next call
	props  map[dbus.ObjectPath]map[string]any    // object → "iface.Prop" → value
	ifaces map[string]dbus.ObjectPath            // ifname → interface object
	member map[dbus.ObjectPath][]dbus.ObjectPath // group object → Members
	nextIf int
}

// New starts a private dbus-daemon and the fake owning
// fi.w1.wpa_supplicant1 with the P2P device ifname. For "p2p-dev-<parent>"
// it has two interface objects as wpa_supplicant does, the parent's (Dev,
// where the P2P signals, peers and persistent groups live) and the P2P
// Device's; otherwise one.
func New(tb testing.TB, ifname string) *Server {
	tb.Helper()
	addr := startBus(tb)
	c, err := dbus.Connect(addr)
	if err != nil {
		tb.Fatalf("wpadbustest: %v", err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	s := &Server{Addr: addr, Dev: rootPath + "/Interfaces/0", tb: tb, conn: c, ifname: ifname,
		fail: map[string]*dbus.Error{}, props: map[dbus.ObjectPath]map[string]any{},
		ifaces: map[string]dbus.ObjectPath{}, member: map[dbus.ObjectPath][]dbus.ObjectPath{}, nextIf: 1}
	devName := ifname
	interfaces := []dbus.ObjectPath{s.Dev}
	if parent, ok := strings.CutPrefix(ifname, "p2p-dev-"); ok {
		// A dedicated P2P Device: its parent's object carries the P2P
		// signals, peers and persistent groups (dbus_new.c, p2p_mgmt).
		devName = parent
		pd := rootPath + "/Interfaces/1"
		s.ifaces[ifname], s.nextIf = pd, 2
		s.props[pd] = map[string]any{ifaceIface + ".Ifname": ifname, p2pIface + ".Role": "device"}
		s.exportIface(pd)
		interfaces = append(interfaces, pd)
	}
	s.ifaces[devName] = s.Dev
	s.props[s.Dev] = map[string]any{ifaceIface + ".Ifname": devName, p2pIface + ".Role": "device",
		p2pIface + ".P2PDeviceConfig": map[string]dbus.Variant{"DeviceName": dbus.MakeVariant("hostp2pd"), "GOIntent": dbus.MakeVariant(uint32(15))},
		ifaceIface + ".Networks":      []dbus.ObjectPath{}, p2pIface + ".PersistentGroups": []dbus.ObjectPath{},
		wpsIface + ".ConfigMethods": "keypad virtual_push_button"}
	s.props[rootPath] = map[string]any{service + ".Interfaces": interfaces}
	s.exportIface(s.Dev)
	s.must(c.Export(root{s}, rootPath, service))
	s.must(c.Export(props{s, rootPath}, rootPath, propsIface))
	s.own()
	return s
}

func (s *Server) must(err error) {
	if err != nil {
		s.tb.Fatalf("wpadbustest: %v", err)
	}
}

func (s *Server) own() {
	r, err := s.conn.RequestName(service, dbus.NameFlagDoNotQueue)
	if err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		s.tb.Fatalf("wpadbustest: RequestName: %v %v", r, err)
	}
}

// Stop releases the name, as wpa_supplicant exiting does
// (NameOwnerChanged to ""); Start takes it again.
func (s *Server) Stop() {
	if _, err := s.conn.ReleaseName(service); err != nil {
		s.tb.Fatalf("wpadbustest: ReleaseName: %v", err)
	}
}

// Start takes the name again after Stop.
func (s *Server) Start() { s.own() }

// Calls returns the method calls received so far (property reads are not
// calls).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// FailNext makes the next call of method (the full member name) answer
// the D-Bus error name with text, as wpa_supplicant's handlers do.
func (s *Server) FailNext(method, name, text string) {
	s.mu.Lock()
	s.fail[method] = dbus.NewError(name, []any{text})
	s.mu.Unlock()
}

func (s *Server) record(p dbus.ObjectPath, method string, args ...any) *dbus.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Path: p, Method: method, Args: args})
	if e := s.fail[method]; e != nil {
		delete(s.fail, method)
		return e
	}
	return nil
}

func (s *Server) exportIface(p dbus.ObjectPath) {
	s.must(s.conn.Export(props{s, p}, p, propsIface))
	s.must(s.conn.Export(p2pDevice{s, p}, p, p2pIface))
	s.must(s.conn.Export(wps{s, p}, p, wpsIface))
	s.must(s.conn.Export(iface{s, p}, p, ifaceIface))
}

// PeerPath is the object of the peer with P2P device address a.
func (s *Server) PeerPath(a wpaevent.MAC) dbus.ObjectPath {
	return s.Dev + "/Peers/" + dbus.ObjectPath(hex.EncodeToString(a[:]))
}

// AddPeer exports a Peer object with name (the properties DeviceFound
// readers ask for).
func (s *Server) AddPeer(a wpaevent.MAC, name string, configMethods uint16) dbus.ObjectPath {
	p := s.PeerPath(a)
	s.mu.Lock()
	s.props[p] = map[string]any{service + ".Peer.DeviceName": name, service + ".Peer.config_method": configMethods,
		service + ".Peer.DeviceAddress": a[:], service + ".Peer.PrimaryDeviceType": []byte{0, 10, 0, 0x50, 0xf2, 4, 0, 5},
		service + ".Peer.devicecapability": uint8(0x25), service + ".Peer.groupcapability": uint8(0)}
	s.mu.Unlock()
	s.must(s.conn.Export(props{s, p}, p, propsIface))
	return p
}

// Emit sends a signal from the object p.
func (s *Server) Emit(p dbus.ObjectPath, name string, args ...any) {
	s.tb.Helper()
	if err := s.conn.Emit(p, name, args...); err != nil {
		s.tb.Fatalf("wpadbustest: emit %s: %v", name, err)
	}
}

// DeviceFound emits DeviceFoundProperties for an added peer.
func (s *Server) DeviceFound(a wpaevent.MAC) {
	p := s.PeerPath(a)
	s.Emit(s.Dev, p2pIface+".DeviceFoundProperties", p, s.getAll(p, service+".Peer"))
}

// ProvisionDiscoveryPBCRequest emits the PBC provision discovery of peer a.
func (s *Server) ProvisionDiscoveryPBCRequest(a wpaevent.MAC) {
	s.Emit(s.Dev, p2pIface+".ProvisionDiscoveryPBCRequest", s.PeerPath(a))
}

// ProvisionDiscoveryRequestEnterPin emits a keypad phone's request.
func (s *Server) ProvisionDiscoveryRequestEnterPin(a wpaevent.MAC) {
	s.Emit(s.Dev, p2pIface+".ProvisionDiscoveryRequestEnterPin", s.PeerPath(a))
}

// StartGroup exports a group interface ifname and its Group object and
// emits GroupStarted (wpas_dbus_signal_p2p_group_started); it returns the
// group interface object.
func (s *Server) StartGroup(ifname, ssid, passphrase string, freq uint16, persistent bool) dbus.ObjectPath {
	s.mu.Lock()
	ip := rootPath + dbus.ObjectPath(fmt.Sprintf("/Interfaces/%d", s.nextIf))
	s.nextIf++
	gp := ip + "/Groups/" + dbus.ObjectPath(hex.EncodeToString([]byte(ssid)))
	s.ifaces[ifname] = ip
	s.props[ip] = map[string]any{ifaceIface + ".Ifname": ifname, p2pIface + ".Role": "GO", p2pIface + ".Group": gp}
	s.props[gp] = map[string]any{groupIface + ".SSID": []byte(ssid), groupIface + ".Frequency": freq,
		groupIface + ".Passphrase": passphrase, groupIface + ".Role": "GO",
		groupIface + ".BSSID": []byte{0x42, 0, 0, 0, 0xff, byte(s.nextIf - 1)}} // the GO interface's address
	root := s.props[rootPath]
	root[service+".Interfaces"] = append(root[service+".Interfaces"].([]dbus.ObjectPath), ip)
	s.member[gp] = nil
	s.mu.Unlock()
	s.exportIface(ip)
	s.must(s.conn.Export(props{s, gp}, gp, propsIface))
	s.Emit(s.Dev, p2pIface+".GroupStarted", map[string]dbus.Variant{"interface_object": dbus.MakeVariant(ip),
		"role": dbus.MakeVariant("GO"), "persistent": dbus.MakeVariant(persistent), "group_object": dbus.MakeVariant(gp)})
	return ip
}

func (s *Server) groupOf(ip dbus.ObjectPath) dbus.ObjectPath {
	s.mu.Lock()
	defer s.mu.Unlock()
	for gp := range s.member {
		if strings.HasPrefix(string(gp), string(ip)+"/Groups/") {
			return gp
		}
	}
	return ""
}

// StaAuthorized adds the P2P client dev (zero: a legacy station) to the
// group's Members, as association does, then emits StaAuthorized for its
// interface address sta on the group interface ip.
func (s *Server) StaAuthorized(ip dbus.ObjectPath, sta, dev wpaevent.MAC) {
	if gp := s.groupOf(ip); gp != "" && dev != (wpaevent.MAC{}) {
		s.mu.Lock()
		s.member[gp] = append(s.member[gp], s.PeerPath(dev))
		s.mu.Unlock()
	}
	s.Emit(ip, ifaceIface+".StaAuthorized", sta.String())
}

// StaDeauthorized emits StaDeauthorized, then drops dev from Members.
func (s *Server) StaDeauthorized(ip dbus.ObjectPath, sta, dev wpaevent.MAC) {
	s.Emit(ip, ifaceIface+".StaDeauthorized", sta.String())
	if gp := s.groupOf(ip); gp != "" {
		s.mu.Lock()
		ms := s.member[gp][:0]
		for _, m := range s.member[gp] {
			if m != s.PeerPath(dev) {
				ms = append(ms, m)
			}
		}
		s.member[gp] = ms
		s.mu.Unlock()
	}
}

// FinishGroup emits GroupFinished for the group interface ip, which
// leaves Interfaces.
func (s *Server) FinishGroup(ip dbus.ObjectPath) {
	s.Emit(s.Dev, p2pIface+".GroupFinished", map[string]dbus.Variant{"interface_object": dbus.MakeVariant(ip),
		"role": dbus.MakeVariant("GO"), "group_object": dbus.MakeVariant(s.groupOf(ip))})
	s.mu.Lock()
	defer s.mu.Unlock()
	root := s.props[rootPath]
	var left []dbus.ObjectPath
	for _, p := range root[service+".Interfaces"].([]dbus.ObjectPath) {
		if p != ip {
			left = append(left, p)
		}
	}
	root[service+".Interfaces"] = left
}

func (s *Server) getAll(p dbus.ObjectPath, iface string) map[string]dbus.Variant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]dbus.Variant{}
	for k, v := range s.props[p] {
		if name, ok := strings.CutPrefix(k, iface+"."); ok && !strings.Contains(name, ".") {
			out[name] = dbus.MakeVariant(v)
		}
	}
	return out
}

type root struct{ s *Server }

func (r root) GetInterface(name string) (dbus.ObjectPath, *dbus.Error) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if p, ok := r.s.ifaces[name]; ok {
		return p, nil
	}
	return "", dbus.NewError(service+".InterfaceUnknown", []any{"wpa_supplicant knows nothing about this interface."})
}

type props struct {
	s *Server
	p dbus.ObjectPath
}

func (o props) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if iface == groupIface && name == "Members" {
		if ms, ok := o.s.member[o.p]; ok {
			return dbus.MakeVariant(append([]dbus.ObjectPath{}, ms...)), nil
		}
	}
	if v, ok := o.s.props[o.p][iface+"."+name]; ok {
		return dbus.MakeVariant(v), nil
	}
	return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{"No such property"})
}

func (o props) GetAll(iface string) (map[string]dbus.Variant, *dbus.Error) {
	return o.s.getAll(o.p, iface), nil
}

func (o props) Set(iface, name string, v dbus.Variant) *dbus.Error {
	return o.s.record(o.p, propsIface+".Set", iface, name, v)
}

type p2pDevice struct {
	s *Server
	p dbus.ObjectPath
}

func (d p2pDevice) rec(m string, a ...any) *dbus.Error { return d.s.record(d.p, p2pIface+"."+m, a...) }

func (d p2pDevice) Find(a map[string]dbus.Variant) *dbus.Error     { return d.rec("Find", a) }
func (d p2pDevice) StopFind() *dbus.Error                          { return d.rec("StopFind") }
func (d p2pDevice) Listen(t int32) *dbus.Error                     { return d.rec("Listen", t) }
func (d p2pDevice) GroupAdd(a map[string]dbus.Variant) *dbus.Error { return d.rec("GroupAdd", a) }
func (d p2pDevice) Invite(a map[string]dbus.Variant) *dbus.Error   { return d.rec("Invite", a) }
func (d p2pDevice) Disconnect() *dbus.Error                        { return d.rec("Disconnect") }
func (d p2pDevice) Cancel() *dbus.Error                            { return d.rec("Cancel") }
func (d p2pDevice) Flush() *dbus.Error                             { return d.rec("Flush") }
func (d p2pDevice) RemoveClient(a map[string]dbus.Variant) *dbus.Error {
	return d.rec("RemoveClient", a)
}
func (d p2pDevice) ProvisionDiscoveryRequest(p dbus.ObjectPath, m string) *dbus.Error {
	return d.rec("ProvisionDiscoveryRequest", p, m)
}

// Connect answers like wpas_dbus_handler_p2p_connect: invalid arguments
// for a peer it does not know or keypad without a PIN; else the string
// "%08d" of wpas_p2p_connect's result, the generated PIN for pin/display
// without a PIN, "00000000" otherwise.
func (d p2pDevice) Connect(a map[string]dbus.Variant) (string, *dbus.Error) {
	if err := d.rec("Connect", a); err != nil {
		return "", err
	}
	p, _ := a["peer"].Value().(dbus.ObjectPath)
	d.s.mu.Lock()
	_, known := d.s.props[p]
	d.s.mu.Unlock()
	pin, _ := a["pin"].Value().(string)
	m, _ := a["wps_method"].Value().(string)
	if !known || m == "keypad" && pin == "" {
		return "", dbus.NewError("fi.w1.wpa_supplicant1.InvalidArgs", []any{"Invalid arguments"})
	}
	if (m == "pin" || m == "display") && pin == "" {
		return "12345670", nil
	}
	return "00000000", nil
}

type wps struct {
	s *Server
	p dbus.ObjectPath
}

func (w wps) Start(a map[string]dbus.Variant) (map[string]dbus.Variant, *dbus.Error) {
	return map[string]dbus.Variant{}, w.s.record(w.p, wpsIface+".Start", a)
}
func (w wps) Cancel() *dbus.Error { return w.s.record(w.p, wpsIface+".Cancel") }

type iface struct {
	s *Server
	p dbus.ObjectPath
}

func (i iface) SaveConfig() *dbus.Error { return i.s.record(i.p, ifaceIface+".SaveConfig") }

// startBus runs dbus-daemon with an allow-all policy on a socket in a
// temp dir; the bus dies with the test.
func startBus(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		if os.Getenv("HOSTP2PD_REQUIRE_WPA") == "1" {
			tb.Fatal("HOSTP2PD_REQUIRE_WPA=1 but dbus-daemon not found")
		}
		tb.Skip("skipping: dbus-daemon not found")
	}
	dir := tb.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err = os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=`+sock+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>`), 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile")
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(5 * time.Second); ; {
		var d net.Dialer
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := d.DialContext(ctx, "unix", sock)
		cancel()
		if err == nil {
			_ = c.Close()
			return "unix:path=" + sock
		}
		if time.Now().After(deadline) {
			tb.Fatalf("wpadbustest: bus not up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
