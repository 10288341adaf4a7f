package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// TestMain fails the binary on leaked goroutines. lumberjack's mill
// goroutine outlives its Logger's Close (v2.2.1), and BenchmarkReaction logs
// to a file as the lab daemon does: it is the one goroutine allowed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun"))
}

const (
	dev    = "p2p-dev-wlan0"
	phone  = "42:00:00:00:01:00"
	phone2 = "42:00:00:00:02:00"
	sta    = "46:00:00:00:01:00"
	sta2   = "46:00:00:00:02:00"
)

type harness struct {
	t      *testing.T
	srv    *wpatest.Server
	d      *Daemon
	dir    string
	stop   func()
	ready  chan struct{}
	global bool
}

// start runs a daemon with the YAML config yml against a fresh fake
// wpa_supplicant and waits until the session is ready.
func start(t *testing.T, yml string, setup ...func(*wpatest.Server)) *harness {
	t.Helper()
	return startWith(t, yml, nil, setup...)
}

// startWith is start with daemon options adjusted by opt (may be nil).
func startWith(t *testing.T, yml string, opt func(*Options), setup ...func(*wpatest.Server)) *harness {
	t.Helper()
	h := launch(t, yml, opt, setup...)
	h.waitReady()
	return h
}

// launch is startWith without waiting for the session to be ready.
func launch(t *testing.T, yml string, opt func(*Options), setup ...func(*wpatest.Server)) *harness {
	t.Helper()
	dir, err := os.MkdirTemp("", "hp2p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv, err := wpatest.NewServer(filepath.Join(dir), "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	for _, f := range setup {
		f(srv)
	}
	ctrl := dir
	if strings.Contains(yml, "#global") {
		if err := srv.AddGlobal("global"); err != nil {
			t.Fatal(err)
		}
		ctrl = filepath.Join(dir, "global")
	}
	cfg, _, err := config.Parse("test.yaml", []byte(yml+"\ninterface: "+dev+"\nctrl_interface: "+ctrl+"\n"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	h := &harness{t: t, srv: srv, dir: dir, ready: make(chan struct{}, 8), global: ctrl != dir}
	o := Options{OnReady: func() {
		select {
		case h.ready <- struct{}{}:
		default: // many reloads: the test waits for none of them
		}
	}, PingInterval: 200 * time.Millisecond, Iw: noIw}
	if opt != nil {
		opt(&o)
	}
	d, err := New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	h.stop = func() { once.Do(func() { h.halt(cancel, done) }) }
	t.Cleanup(func() { h.stop() })
	return h
}

func (h *harness) halt(cancel func(), done chan error) {
	t, srv := h.t, h.srv
	{
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5 s of cancel")
		}
		srv.Close()
	}
}

func (h *harness) waitReady() {
	h.t.Helper()
	select {
	case <-h.ready:
	case <-time.After(5 * time.Second):
		h.t.Fatalf("session not ready; commands: %v", h.srv.Commands())
	}
}

// want waits for the next command on iface with the given prefix.
func (h *harness) want(iface, prefix string) wpatest.Command {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := h.srv.WaitCommand(ctx, iface, prefix)
	if err != nil {
		h.t.Fatalf("%v; received: %v", err, cmdList(h.srv.Commands()))
	}
	return c
}

func cmdList(cs []wpatest.Command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Iface+": "+c.Cmd)
	}
	return out
}

// eventually polls the status until cond holds.
func (h *harness) eventually(what string, cond func(status.Status) bool) status.Status {
	h.t.Helper()
	return eventually(h.t, h.d, what, cond)
}

// groupUp waits until the daemon has the group and its monitor is attached
// to the group socket (which wpa_supplicant may answer only seconds later).
func (h *harness) groupUp() status.Status {
	h.t.Helper()
	st := h.eventually("group up", func(s status.Status) bool { return s.Group != nil })
	deadline := time.Now().Add(5 * time.Second)
	for !h.global && h.srv.Monitors(st.Group.Iface) == 0 {
		if time.Now().After(deadline) {
			h.t.Fatalf("no monitor attached to %s", st.Group.Iface)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return st
}

func (h *harness) noCommand(prefix string, within time.Duration) {
	h.t.Helper()
	time.Sleep(within)
	for _, c := range h.srv.Commands() {
		if strings.HasPrefix(c.Cmd, prefix) {
			h.t.Fatalf("unexpected command %q on %s", c.Cmd, c.Iface)
		}
	}
}

// Real event lines (testdata/traces/01-autonomous-pbc-join.trace).
const (
	evFound   = "P2P-DEVICE-FOUND 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1"
	evPBCReq  = "P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0"
	evShowPIN = "P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 11442752 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group=p2p-wlan0-0"
	evStaConn = "AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"
	evStaDisc = "AP-STA-DISCONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00"
)

func TestAutonomous_PBCJoin(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "INTERFACES")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	c := h.want("p2p-wlan0-0", "WPS_PBC")
	if c.Cmd != "WPS_PBC p2p_dev_addr="+phone {
		t.Errorf("got %q, want WPS_PBC restricted to the phone", c.Cmd)
	}
	h.srv.Emit("p2p-wlan0-0", "WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1")
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.srv.Emit(dev, evStaConn) // the copy on the P2P device socket
	st := h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	want := status.Client{DevAddr: phone, IfaceAddr: sta, Name: "phone", Method: "pbc"}
	got := st.Clients[0]
	got.Joined = time.Time{}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client (-want +got):\n%s", diff)
	}
	// The autonomous group stays when the phone leaves.
	h.srv.Emit("p2p-wlan0-0", evStaDisc)
	h.eventually("no client", func(s status.Status) bool { return len(s.Clients) == 0 })
	h.noCommand("P2P_GROUP_REMOVE", 100*time.Millisecond)
}

func TestAutonomous_KeypadJoinArmsConfiguredPIN(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"12345670\"")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evShowPIN)
	c := h.want("p2p-wlan0-0", "WPS_PIN")
	if c.Cmd != "WPS_PIN any 12345670" {
		t.Errorf("got %q, want our PIN armed (not the random one in the event)", c.Cmd)
	}
}

// TestPBCFromUnlistedNameFallsBackToKeypad: the button is refused to a
// name not on the white list, the PIN is not (as hostp2pd): the configured
// PIN is armed, also with pbc_in_use: true, and the phone joins with it.
func TestPBCFromUnlistedNameFallsBackToKeypad(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\npin: \"12345670\"\nwhite_list: [\"tablet\"]")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	if c := h.want("p2p-wlan0-0", "WPS_"); c.Cmd != "WPS_PIN any 12345670" {
		t.Errorf("armed %q, want the configured PIN", c.Cmd)
	}
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("phone joined by keypad", func(s status.Status) bool {
		return len(s.Clients) == 1 && s.Clients[0].Method == "keypad"
	})
	if n := h.d.Status().Counters["white_list_fallbacks"]; n != 1 {
		t.Errorf("white_list_fallbacks = %d, want 1", n)
	}
}

func TestPBCFromListedNameIsArmed(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\nwhite_list: [\"phone\"]")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	// The name comes from DEVICE-FOUND / PROV-DISC, never from WPS-ENROLLEE-SEEN.
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	h.want("p2p-wlan0-0", "WPS_PBC p2p_dev_addr="+phone)
}

func TestPersistent_ReusesStoredNetwork(t *testing.T) {
	h := start(t, "activate_persistent_group: true", func(s *wpatest.Server) {
		s.AddNetwork(wpatest.Network{ID: 0, SSID: "HOME", Flags: "[DISABLED]", Mode: 0})
		s.AddNetwork(wpatest.Network{ID: 1, SSID: "DIRECT-ab", BSSID: "42:00:00:00:00:00", Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 0, Disabled: 2}) // a client entry
		s.AddNetwork(wpatest.Network{ID: 2, SSID: "DIRECT-PP", BSSID: "42:00:00:00:00:00", Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 3, Disabled: 2})
	})
	h.want(dev, "LIST_NETWORKS")
	h.want(dev, "GET_NETWORK 1 mode")
	h.want(dev, "GET_NETWORK 2 mode")
	if c := h.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD persistent=2 freq=2412" {
		t.Errorf("got %q, want P2P_GROUP_ADD persistent=2 freq=2412", c.Cmd)
	}
	st := h.groupUp()
	if !st.Group.Persistent || st.Group.NetworkID != 2 {
		t.Errorf("group = %+v, want persistent network 2", st.Group)
	}
}

func TestPersistent_CreatesOneWhenNoneStored(t *testing.T) {
	h := start(t, "activate_persistent_group: true")
	h.want(dev, "LIST_NETWORKS")
	if c := h.want(dev, "P2P_GROUP_ADD"); c.Cmd != "P2P_GROUP_ADD persistent freq=2412" {
		t.Errorf("got %q", c.Cmd)
	}
	h.groupUp()
	if n := len(h.srv.Networks()); n != 1 {
		t.Errorf("%d networks, want 1", n)
	}
}

func TestNegotiatedOnDemand_ConnectThenRemoveWhenEmpty(t *testing.T) {
	h := start(t, "activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true")
	h.srv.Emit(dev, "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=0")
	h.srv.Emit(dev, "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=0") // duplicate
	c := h.want(dev, "P2P_CONNECT")
	if c.Cmd != "P2P_CONNECT "+phone+" pbc go_intent=15" {
		t.Errorf("got %q", c.Cmd)
	}
	// wpa_supplicant forms the group by itself.
	if err := h.srv.AddIface("p2p-wlan0-0"); err != nil {
		t.Fatal(err)
	}
	h.srv.Emit(dev, "P2P-GO-NEG-SUCCESS role=GO freq=2462 ht40=0 peer_dev=42:00:00:00:01:00 peer_iface=42:00:00:00:01:00 wps_method=PBC")
	h.srv.Emit(dev, "P2P-GROUP-FORMATION-SUCCESS ")
	h.srv.Emit(dev, `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-Yn" freq=2462 passphrase="5mfK14YT" go_dev_addr=42:00:00:00:00:00`)
	h.groupUp() // the group socket is attached before the phone associates (see TestReplay_NegotiatedOnDemandExactCommands)
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.srv.Emit(dev, evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	if n := countPrefix(h.srv.Commands(), "P2P_CONNECT"); n != 1 {
		t.Errorf("%d P2P_CONNECT, want 1 (duplicates ignored)", n)
	}
	h.srv.Emit(dev, evStaDisc)
	h.srv.Emit("p2p-wlan0-0", evStaDisc)
	if c := h.want(dev, "P2P_GROUP_REMOVE"); c.Cmd != "P2P_GROUP_REMOVE p2p-wlan0-0" {
		t.Errorf("got %q", c.Cmd)
	}
	h.eventually("idle", func(s status.Status) bool { return s.Group == nil && s.State == "idle" })
}

// TestNegotiationWhileGroupRuns_EmptyGroupAnswersAsGO: a plain client
// (wpa_cli, NetworkManager) only negotiates and never answers an
// invitation, so an empty running group is removed and the negotiation
// answered as GO (issue 13).
func TestNegotiationWhileGroupRuns_EmptyGroupAnswersAsGO(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=0")
	h.want(dev, "P2P_GROUP_REMOVE p2p-wlan0-0")
	if c := h.want(dev, "P2P_CONNECT"); c.Cmd != "P2P_CONNECT "+phone+" pbc go_intent=15" {
		t.Errorf("got %q", c.Cmd)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_INVITE"); n != 0 {
		t.Errorf("%d P2P_INVITE: a plain client never answers them", n)
	}
}

func TestNegotiationWhileGroupRuns_InvitesToRunningGroup(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit("p2p-wlan0-0", "AP-STA-CONNECTED 46:00:00:00:09:00 p2p_dev_addr=42:00:00:00:09:00")
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	h.srv.Emit(dev, "P2P-GO-NEG-REQUEST 42:00:00:00:01:00 dev_passwd_id=4 go_intent=6")
	h.want("p2p-wlan0-0", "WPS_PBC p2p_dev_addr="+phone)
	if c := h.want(dev, "P2P_INVITE"); c.Cmd != "P2P_INVITE group=p2p-wlan0-0 peer="+phone {
		t.Errorf("got %q", c.Cmd)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_CONNECT"); n != 0 {
		t.Errorf("P2P_CONNECT sent while a group runs (would start a second group)")
	}
}

// Two phones typing the fixed PIN enrol side by side: the second rides
// along the first, each finding the copy locked (WPS-PIN-NEEDED) gets a
// fresh wildcard copy, and they may finish in any order.
func TestTwoPhonesPIN_Parallel(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"12345670\"")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evShowPIN)
	h.srv.Emit(dev, strings.ReplaceAll(evShowPIN, "01:00", "02:00"))
	h.want("p2p-wlan0-0", "WPS_PIN any 12345670")
	h.want("p2p-wlan0-0", "WPS_PIN any 12345670 15")
	n := countPrefix(h.srv.Commands(), "WPS_PIN")
	// Phone 1 locked the copy: phone 2 is refused it and gets another.
	h.srv.Emit("p2p-wlan0-0", "WPS-PIN-NEEDED 6d1c5a4e-a53a-5191-88fb-5458b986b2e4 46:00:00:00:02:00 [p2|||||0-00000000-0]")
	h.eventually("re-armed", func(status.Status) bool { return countPrefix(h.srv.Commands(), "WPS_PIN") == n+1 })
	h.srv.Emit("p2p-wlan0-0", "WPS-REG-SUCCESS 46:00:00:00:02:00 6d1c5a4e-a53a-5191-88fb-5458b986b2e4")
	h.srv.Emit("p2p-wlan0-0", strings.ReplaceAll(evStaConn, "01:00", "02:00"))
	h.srv.Emit("p2p-wlan0-0", "WPS-REG-SUCCESS 46:00:00:00:01:00 572cf82f-c957-5653-9b16-b5cfb298abf1")
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("two clients, nothing pending", func(s status.Status) bool { return len(s.Clients) == 2 && len(s.Pending) == 0 })
}

func TestDeniedMACNeverArmed(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true\ndeny_macs: [\""+phone+"\"]")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evPBCReq)
	h.noCommand("WPS_PBC", 100*time.Millisecond)
	// A denied device that gets in anyway (persistent re-invocation) is kicked.
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.want("p2p-wlan0-0", "DEAUTHENTICATE "+sta)
	h.want(dev, "P2P_REMOVE_CLIENT "+phone)
}

func TestDisplayPIN_OperatorEntersPIN(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\nwps_method: display")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, strings.Replace(evPBCReq, "P2P-PROV-DISC-PBC-REQ", "P2P-PROV-DISC-ENTER-PIN", 1))
	h.eventually("pending", func(s status.Status) bool { return len(s.Pending) == 1 && s.Pending[0].State == "waiting-pin" })
	ctx := context.Background()
	if err := h.d.EnterPIN(ctx, "", "1234"+"5"); err == nil {
		t.Error("5-digit PIN accepted")
	}
	if err := h.d.EnterPIN(ctx, phone, "87654325"); err != nil {
		t.Fatal(err)
	}
	h.want("p2p-wlan0-0", "WPS_PIN any 87654325")
}

func TestSupplicantKilled_ReconnectsAndRestoresGroup(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Kill()
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" && s.Group == nil })
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	h.waitReady()
	h.want(dev, "P2P_GROUP_ADD")
	h.eventually("group again", func(s status.Status) bool { return s.Group != nil && s.Supplicant == "connected" })
}

func TestSupplicantTerminates_Reconnects(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Terminate()
	h.eventually("lost", func(s status.Status) bool { return s.Supplicant == "lost" })
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	h.waitReady()
	h.eventually("group again", func(s status.Status) bool { return s.Group != nil })
}

func TestStopRemovesOurGroup(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.stop()
	found := false
	for _, c := range h.srv.Commands() {
		found = found || c.Cmd == "P2P_GROUP_REMOVE p2p-wlan0-0"
	}
	if !found {
		t.Errorf("group not removed on stop: %v", cmdList(h.srv.Commands()))
	}
}

func countPrefix(cs []wpatest.Command, p string) int {
	n := 0
	for _, c := range cs {
		if strings.HasPrefix(c.Cmd, p) {
			n++
		}
	}
	return n
}

func TestGlobalControlInterface_PBCJoin(t *testing.T) {
	h := start(t, "#global\nactivate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit(dev, evFound)
	h.srv.Emit(dev, evPBCReq)
	c := h.want("p2p-wlan0-0", "WPS_PBC")
	if c.Socket != "global" {
		t.Errorf("WPS_PBC sent on %q, want the global socket with IFNAME=", c.Socket)
	}
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 && s.Clients[0].Method == "pbc" })
}

func TestInterfaceAuto_PicksP2PDevice(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"wlan0", "p2p-dev-wlan1", "p2p-dev-wlan0"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.CtrlInterface = dir
	got, err := resolveIface(cfg)
	if err != nil || got != "p2p-dev-wlan0" {
		t.Errorf("auto = %q, %v; want p2p-dev-wlan0", got, err)
	}
	os.Remove(filepath.Join(dir, "p2p-dev-wlan0"))
	os.Remove(filepath.Join(dir, "p2p-dev-wlan1"))
	if got, err := resolveIface(cfg); err != nil || got != "wlan0" {
		t.Errorf("auto without a P2P device = %q, %v; want wlan0 (P2P on the station interface)", got, err)
	}
}

func TestReload_SameModeKeepsGroupAndClients(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.srv.Emit("p2p-wlan0-0", evStaConn)
	h.eventually("client", func(s status.Status) bool { return len(s.Clients) == 1 })
	cfg, _, err := config.Parse("new.yaml", []byte("activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npin: \"87654325\"\ninterface: "+dev+"\nctrl_interface: "+h.dir+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.ReloadConfig(cfg); err != nil {
		t.Fatal(err)
	}
	st := h.d.Status()
	if st.Group == nil || len(st.Clients) != 1 {
		t.Fatalf("reload dropped the group or its client: %+v", st)
	}
	// The new enrolment settings are in force.
	h.srv.Emit(dev, strings.ReplaceAll(evShowPIN, "01:00", "02:00"))
	h.want("p2p-wlan0-0", "WPS_PIN any 87654325")
	h.noCommand("P2P_GROUP_REMOVE", 50*time.Millisecond)
}

func TestReload_BrokenFileKeepsConfig(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("dynamic_group: maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := h.d.Config()
	err := h.d.Reload(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:1: dynamic_group") {
		t.Fatalf("Reload error = %v, want one naming file:line: key", err)
	}
	if h.d.Config() != before {
		t.Error("configuration changed after a failed reload")
	}
}

func TestReload_NewModeRestartsSession(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	cfg, _, err := config.Parse("new.yaml", []byte("activate_persistent_group: false\ndynamic_group: true\npbc_in_use: true\ninterface: "+dev+"\nctrl_interface: "+h.dir+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.ReloadConfig(cfg); err != nil {
		t.Fatal(err)
	}
	h.want(dev, "P2P_GROUP_REMOVE p2p-wlan0-0")
	h.eventually("idle in the new mode", func(s status.Status) bool {
		return s.Group == nil && s.Mode == "negotiated-on-demand" && s.State == "idle"
	})
}
