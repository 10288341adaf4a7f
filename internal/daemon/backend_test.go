package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/radio"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/wpadbus/wpadbustest"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

// rig is a fake wpa_supplicant behind one backend: the flow tests below
// run as one subtest per backend (backends), against wpatest over the
// control socket and wpadbustest over a private D-Bus.
type rig interface {
	daemon() *Daemon
	// want waits for the next command on iface starting with prefix, in
	// control-socket form, and returns it.
	want(iface, prefix string) string
	groupStarted()   // wpa_supplicant started the group p2p-wlan0-0 (after P2P_GROUP_ADD)
	pbcRequest()     // the phone is found and pushes the button
	showPINRequest() // the phone asks to enter our PIN
	stationJoins()   // the phone associates with the group
	stationLeaves()  // and leaves it
	negRequest()     // the phone asks to negotiate a group (push button, go_intent=0)
	negotiated()     // wpa_supplicant formed the group p2p-wlan0-0 as GO with the phone
	removed()        // wpa_supplicant removed the group (after P2P_GROUP_REMOVE)
	leave()          // wpa_supplicant goes away (it exits)
	back()           // and comes back
}

const rigGroup = "p2p-wlan0-0"

var backends = []struct {
	name  string
	start func(t *testing.T, yml string) rig
}{
	{config.BackendCtrl, func(t *testing.T, yml string) rig { return ctrlRig{start(t, yml)} }},
	{config.BackendDBus, startDBus},
}

// perBackend runs f as one subtest per backend, each with a daemon
// started with yml.
func perBackend(t *testing.T, yml string, f func(*testing.T, rig)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.start(t, yml)) })
	}
}

// ctrlRig: the control socket (wpatest).
type ctrlRig struct{ h *harness }

func (r ctrlRig) daemon() *Daemon                  { return r.h.d }
func (r ctrlRig) want(iface, prefix string) string { return r.h.want(iface, prefix).Cmd }
func (r ctrlRig) groupStarted()                    { r.h.groupUp() } // wpatest starts it on P2P_GROUP_ADD
func (r ctrlRig) pbcRequest()                      { r.h.srv.Emit(dev, evFound); r.h.srv.Emit(dev, evPBCReq) }
func (r ctrlRig) showPINRequest()                  { r.h.srv.Emit(dev, evShowPIN) }
func (r ctrlRig) stationJoins() {
	r.h.srv.Emit(rigGroup, evStaConn)
	r.h.srv.Emit(dev, evStaConn)
}
func (r ctrlRig) stationLeaves() {
	r.h.srv.Emit(dev, evStaDisc)
	r.h.srv.Emit(rigGroup, evStaDisc)
}
func (r ctrlRig) negRequest() {
	r.h.srv.Emit(dev, "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=0")
}
func (r ctrlRig) negotiated() {
	if err := r.h.srv.AddIface(rigGroup); err != nil {
		r.h.t.Fatal(err)
	}
	r.h.srv.Emit(dev, "P2P-GO-NEG-SUCCESS role=GO freq=2462 ht40=0 peer_dev=42:00:00:00:01:00 peer_iface=42:00:00:00:01:00 wps_method=PBC")
	r.h.srv.Emit(dev, "P2P-GROUP-FORMATION-SUCCESS ")
	r.h.srv.Emit(dev, `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-Yn" freq=2462 passphrase="5mfK14YT" go_dev_addr=42:00:00:00:00:00`)
	r.h.groupUp()
}
func (r ctrlRig) removed() {} // wpatest removes it on P2P_GROUP_REMOVE
func (r ctrlRig) leave()   { r.h.srv.Terminate() }
func (r ctrlRig) back() {
	if err := r.h.srv.Restart(); err != nil {
		r.h.t.Fatal(err)
	}
	r.h.waitReady()
}

// dbusRig: wpa_supplicant's D-Bus interface (wpadbustest), backend: dbus.
type dbusRig struct {
	t     *testing.T
	srv   *wpadbustest.Server
	d     *Daemon
	ready chan struct{}
	log   *lockedBuffer
	gi    dbus.ObjectPath // the group interface object
	mu    sync.Mutex
	seen  int // calls consumed by want

	exited chan struct{} // closed when Run has returned runErr
	runErr error
}

var (
	phoneMAC = wpaevent.MAC{0x42, 0, 0, 0, 1, 0}
	staMAC   = wpaevent.MAC{0x46, 0, 0, 0, 1, 0}
)

// dbusYAML is what backend: dbus needs besides the test's keys.
const dbusYAML = "\nbackend: dbus\nper_sta_psk: false\n"

func startDBus(t *testing.T, yml string) rig {
	r := launchDBus(t, yml+dbusYAML, nil)
	r.waitReady()
	return r
}

// launchDBus runs a daemon over a fresh wpadbustest; opt (may be nil)
// adjusts its options.
func launchDBus(t *testing.T, yml string, opt func(*Options), setup ...func(*wpadbustest.Server)) *dbusRig {
	t.Helper()
	srv := wpadbustest.New(t, dev)
	srv.AddPeer(phoneMAC, "phone", 0x188)
	for _, f := range setup {
		f(srv)
	}
	dir := t.TempDir()
	if !strings.Contains(yml, "interface: ") {
		yml += "\ninterface: " + dev
	}
	cfg, _, err := config.Parse("test.yaml", []byte(yml+"\nctrl_interface: "+dir+"\n"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	r := &dbusRig{t: t, srv: srv, ready: make(chan struct{}, 8), log: &lockedBuffer{}, exited: make(chan struct{})}
	iw := newFakeIw(t, "hwsim-dev-p2p.txt", "hwsim-phy.txt")
	o := Options{OnReady: func() {
		select {
		case r.ready <- struct{}{}:
		default:
		}
	}, Iw: iw.run, DBusAddress: srv.Addr, Logger: slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if opt != nil {
		opt(&o)
	}
	r.d, err = New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.runErr = r.d.Run(ctx); close(r.exited) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.exited:
			if r.runErr != nil && opt == nil {
				t.Errorf("Run: %v", r.runErr)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5 s of cancel")
		}
	})
	return r
}

func (r *dbusRig) daemon() *Daemon { return r.d }

func (r *dbusRig) waitReady() {
	r.t.Helper()
	select {
	case <-r.ready:
	case <-time.After(5 * time.Second):
		r.t.Fatalf("session not ready; calls: %v\nlog:\n%s", r.srv.Calls(), r.log)
	}
}

// callText gives a call the control-socket command it was translated from
// (the forms the flows use), and the interface it was sent to.
func (r *dbusRig) callText(c wpadbustest.Call) (iface, cmd string) {
	iface = dev
	if c.Path == r.gi && r.gi != "" {
		iface = rigGroup
	}
	m := strings.TrimPrefix(c.Method, "fi.w1.wpa_supplicant1.Interface.")
	var args map[string]dbus.Variant
	if len(c.Args) > 0 {
		args, _ = c.Args[0].(map[string]dbus.Variant)
	}
	str := func(k string) string { s, _ := args[k].Value().(string); return s }
	switch m {
	case "P2PDevice.GroupAdd":
		cmd = "P2P_GROUP_ADD"
		if p, _ := args["persistent"].Value().(bool); p {
			cmd += " persistent"
		}
		if f, ok := args["frequency"].Value().(int32); ok {
			cmd += fmt.Sprintf(" freq=%d", f)
		}
		return iface, cmd
	case "P2PDevice.Connect":
		p, _ := args["peer"].Value().(dbus.ObjectPath)
		mac, _ := wpaevent.ParseMAC(macOfHex(string(p)[strings.LastIndexByte(string(p), '/')+1:]))
		cmd = "P2P_CONNECT " + mac.String() + " " + str("wps_method")
		if a, _ := args["authorize_only"].Value().(bool); a {
			cmd += " auth"
		}
		if gi, ok := args["go_intent"].Value().(int32); ok {
			cmd += fmt.Sprintf(" go_intent=%d", gi)
		}
		return iface, cmd
	case "P2PDevice.Disconnect": // sent to the group's object
		return dev, "P2P_GROUP_REMOVE " + iface
	case "WPS.Cancel":
		return iface, "WPS_CANCEL"
	case "WPS.Start":
		if str("Type") == "pin" {
			return iface, "WPS_PIN any " + str("Pin")
		}
		cmd = "WPS_PBC"
		if b, ok := args["P2PDeviceAddress"].Value().([]byte); ok && len(b) == 6 {
			cmd += " p2p_dev_addr=" + wpaevent.MAC(b).String()
		}
		return iface, cmd
	}
	return iface, fmt.Sprint(m, c.Args)
}

func (r *dbusRig) want(iface, prefix string) string {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls := r.srv.Calls()
		r.mu.Lock()
		for i := r.seen; i < len(calls); i++ {
			if ifc, cmd := r.callText(calls[i]); ifc == iface && strings.HasPrefix(cmd, prefix) {
				r.seen = i + 1
				r.mu.Unlock()
				return cmd
			}
		}
		r.mu.Unlock()
		if time.Now().After(deadline) {
			r.t.Fatalf("no %s on %s; calls: %v", prefix, iface, calls)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *dbusRig) groupStarted() {
	r.gi = r.srv.StartGroup(rigGroup, "DIRECT-hp", "passw0rd", 2412, false)
	eventually(r.t, r.d, "group up", func(s status.Status) bool { return s.Group != nil })
}

func (r *dbusRig) pbcRequest() {
	r.srv.DeviceFound(phoneMAC)
	r.srv.ProvisionDiscoveryPBCRequest(phoneMAC)
}

func (r *dbusRig) showPINRequest() {
	r.srv.DeviceFound(phoneMAC)
	r.srv.Emit(r.srv.Dev, "fi.w1.wpa_supplicant1.Interface.P2PDevice.ProvisionDiscoveryRequestDisplayPin", r.srv.PeerPath(phoneMAC), "11442752")
}

func (r *dbusRig) stationJoins()  { r.srv.StaAuthorized(r.gi, staMAC, phoneMAC) }
func (r *dbusRig) stationLeaves() { r.srv.StaDeauthorized(r.gi, staMAC, phoneMAC) }
func (r *dbusRig) removed()       { r.srv.FinishGroup(r.gi) }
func (r *dbusRig) negRequest() {
	r.srv.Emit(r.srv.Dev, "fi.w1.wpa_supplicant1.Interface.P2PDevice.GONegotiationRequest", r.srv.PeerPath(phoneMAC), uint16(4), uint8(0))
}
func (r *dbusRig) negotiated() {
	r.srv.Emit(r.srv.Dev, "fi.w1.wpa_supplicant1.Interface.P2PDevice.GONegotiationSuccess", map[string]dbus.Variant{
		"role_go": dbus.MakeVariant("GO"), "peer_object": dbus.MakeVariant(r.srv.PeerPath(phoneMAC)), "frequency": dbus.MakeVariant(int32(2462))})
	r.gi = r.srv.StartGroup(rigGroup, "DIRECT-Yn", "5mfK14YT", 2462, false)
	eventually(r.t, r.d, "group up", func(s status.Status) bool { return s.Group != nil })
}

// macOfHex turns a peer object's last element (12 hex digits) into
// aa:bb:cc:dd:ee:ff.
func macOfHex(h string) string {
	if len(h) != 12 {
		return h
	}
	var b strings.Builder
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// leave: wpa_supplicant exiting removes its groups, then leaves the bus.
func (r *dbusRig) leave() {
	if r.gi != "" {
		r.srv.FinishGroup(r.gi)
		r.gi = ""
	}
	r.srv.Stop()
}
func (r *dbusRig) back() { r.srv.Start(); r.waitReady() }

// eventually polls d's status until cond holds.
func eventually(t *testing.T, d *Daemon, what string, cond func(status.Status) bool) status.Status {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := d.Status()
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; status: %+v", what, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBackends_PBCJoin(t *testing.T) {
	perBackend(t, autonomous, func(t *testing.T, r rig) {
		r.want(dev, "P2P_GROUP_ADD")
		r.groupStarted()
		r.pbcRequest()
		if c := r.want(rigGroup, "WPS_PBC"); c != "WPS_PBC p2p_dev_addr="+phone {
			t.Errorf("got %q, want WPS_PBC restricted to the phone", c)
		}
		r.stationJoins()
		st := eventually(t, r.daemon(), "client", func(s status.Status) bool { return len(s.Clients) == 1 })
		got := st.Clients[0]
		got.Joined = time.Time{}
		if diff := cmp.Diff(status.Client{DevAddr: phone, IfaceAddr: sta, Name: "phone", Method: "pbc"}, got); diff != "" {
			t.Errorf("client (-want +got):\n%s", diff)
		}
	})
}

func TestBackends_KeypadJoinArmsConfiguredPIN(t *testing.T) {
	perBackend(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"12345670\"", func(t *testing.T, r rig) {
		r.want(dev, "P2P_GROUP_ADD")
		r.groupStarted()
		r.showPINRequest()
		if c := r.want(rigGroup, "WPS_PIN"); c != "WPS_PIN any 12345670" {
			t.Errorf("got %q, want our PIN armed (not the one in the request)", c)
		}
		// Over D-Bus no WPS-REG-SUCCESS comes: the station's arrival
		// finishes the enrolment.
		r.stationJoins()
		st := eventually(t, r.daemon(), "client", func(s status.Status) bool { return len(s.Clients) == 1 })
		if st.Clients[0].DevAddr != phone {
			t.Errorf("client %+v, want %s", st.Clients[0], phone)
		}
	})
}

func TestBackends_PersistentCreatesOneWhenNoneStored(t *testing.T) {
	perBackend(t, "activate_persistent_group: true", func(t *testing.T, r rig) {
		if c := r.want(dev, "P2P_GROUP_ADD"); c != "P2P_GROUP_ADD persistent freq=2412" {
			t.Errorf("got %q", c)
		}
	})
}

func TestBackends_NegotiatedOnDemand(t *testing.T) {
	perBackend(t, "activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true", func(t *testing.T, r rig) {
		r.negRequest()
		if c := r.want(dev, "P2P_CONNECT"); c != "P2P_CONNECT "+phone+" pbc go_intent=15" {
			t.Errorf("got %q", c)
		}
		r.negotiated()
		r.stationJoins()
		eventually(t, r.daemon(), "client", func(s status.Status) bool { return len(s.Clients) == 1 })
		r.stationLeaves()
		if c := r.want(dev, "P2P_GROUP_REMOVE"); c != "P2P_GROUP_REMOVE "+rigGroup {
			t.Errorf("got %q", c)
		}
		r.removed()
		eventually(t, r.daemon(), "idle", func(s status.Status) bool { return s.Group == nil && s.State == "idle" })
	})
}

// TestBackends_SupplicantRestart: wpa_supplicant exits (over D-Bus its
// name's owner changes: CTRL-EVENT-TERMINATING, ErrGone) and comes back;
// the daemon reconnects and starts the group again.
func TestBackends_SupplicantRestart(t *testing.T) {
	perBackend(t, autonomous, func(t *testing.T, r rig) {
		r.want(dev, "P2P_GROUP_ADD")
		r.groupStarted()
		r.leave()
		eventually(t, r.daemon(), "lost", func(s status.Status) bool { return s.Supplicant == "lost" && s.Group == nil })
		r.back()
		r.want(dev, "P2P_GROUP_ADD")
		eventually(t, r.daemon(), "connected", func(s status.Status) bool { return s.Supplicant == "connected" })
	})
}

// TestDBus_ReconnectWaitsForTheName: over backend: dbus the daemon learns
// that wpa_supplicant is back from NameOwnerChanged, not from a retry
// timer: it reconnects at once even after a long absence (the timer's
// backoff would be at its 2 s maximum).
func TestDBus_ReconnectWaitsForTheName(t *testing.T) {
	r := startDBus(t, autonomous).(*dbusRig)
	r.want(dev, "P2P_GROUP_ADD")
	r.leave()
	eventually(t, r.d, "lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	time.Sleep(300 * time.Millisecond)
	// One line for the loss itself; a retry would be a second (the
	// repeat limiter lets one per distinct error through).
	if n := strings.Count(r.log.String(), "waiting for wpa_supplicant"); n != 1 {
		t.Errorf("%d waits logged while the name had no owner, want 1 (the loss; then NameOwnerChanged)\n%s", n, r.log)
	}
	r.back()
	r.want(dev, "P2P_GROUP_ADD")
}

// TestDBus_StartUpRefusals: what backend: dbus cannot do stops the daemon
// with the reason, never a session that half works.
func TestDBus_StartUpRefusals(t *testing.T) {
	for _, tt := range []struct {
		name string
		yml  string
		opt  func(*Options)
		want string
	}{
		{"no P2P device address", autonomous + dbusYAML, func(o *Options) { o.Iw = noIw },
			"backend dbus: our P2P device address (D-Bus has none) comes from `iw dev`: " + radio.ErrNoIw.Error()},
		{"interface auto", autonomous + dbusYAML + "interface: auto", func(*Options) {},
			"interface: auto looks for control sockets and needs the control-socket backend; with backend: dbus name the P2P device interface (interface: or -i, like p2p-dev-wlan0)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := launchDBus(t, tt.yml, tt.opt)
			select {
			case <-r.exited:
			case <-time.After(5 * time.Second):
				t.Fatalf("daemon did not stop; log:\n%s", r.log)
			}
			if r.runErr == nil || r.runErr.Error() != tt.want {
				t.Errorf("Run = %v, want %q", r.runErr, tt.want)
			}
		})
	}
}

// TestDBus_UnknownObjectSignalsAreDropped: signals of objects the daemon
// never learned (another group, a station on an interface it did not see
// start) change nothing, and the session goes on.
func TestDBus_UnknownObjectSignalsAreDropped(t *testing.T) {
	r := startDBus(t, autonomous).(*dbusRig)
	r.want(dev, "P2P_GROUP_ADD")
	r.groupStarted()
	stray := dbus.ObjectPath("/fi/w1/wpa_supplicant1/Interfaces/9")
	r.srv.Emit(stray, "fi.w1.wpa_supplicant1.Interface.StaAuthorized", staMAC.String())
	r.srv.Emit(r.srv.Dev, "fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupFinished", map[string]dbus.Variant{
		"interface_object": dbus.MakeVariant(stray), "role": dbus.MakeVariant("GO"), "group_object": dbus.MakeVariant(stray + "/Groups/00")})
	r.pbcRequest() // the session still answers
	r.want(rigGroup, "WPS_PBC")
	st := r.d.Status()
	if len(st.Clients) != 0 || st.Group == nil || st.Supplicant != "connected" {
		t.Errorf("status after stray signals: clients %v, group %v, supplicant %s", st.Clients, st.Group, st.Supplicant)
	}
}

// TestDBus_AdoptsRunningGroup: a group that runs when the daemon starts
// (hostp2pd restarted) is adopted over D-Bus too: STATUS of the group
// interface comes from its Group object (mode, SSID, frequency, BSSID).
func TestDBus_AdoptsRunningGroup(t *testing.T) {
	r := launchDBus(t, autonomous+dbusYAML, nil, func(s *wpadbustest.Server) {
		s.StartGroup(rigGroup, "DIRECT-up", "passw0rd", 2437, false)
	})
	r.waitReady()
	st := eventually(t, r.d, "adopted", func(s status.Status) bool { return s.Group != nil })
	if st.Group.Iface != rigGroup || st.Group.SSID != "DIRECT-up" || st.Group.Freq != 2437 || st.Group.BSSID != "42:00:00:00:ff:02" {
		t.Errorf("group %+v, want %s DIRECT-up on 2437 with the Group object's BSSID", st.Group, rigGroup)
	}
	for _, c := range r.srv.Calls() {
		if strings.HasSuffix(c.Method, ".GroupAdd") {
			t.Errorf("GroupAdd sent with a group running: %v", c)
		}
	}
}
