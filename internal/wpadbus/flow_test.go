package wpadbus_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/wpadbus"
	"github.com/hostp2pd/hostp2pd/internal/wpadbus/wpadbustest"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpaevent"
)

func next(t *testing.T, c *wpadbus.Conn) wpactrl.Message {
	t.Helper()
	select {
	case m, ok := <-c.Events():
		if !ok {
			t.Fatalf("Events closed: %v", c.Err())
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return wpactrl.Message{}
}

// TestFlow_PBCJoinOverTheFake walks an autonomous-GO push-button join
// (the flow of testdata/traces/01-autonomous-pbc-join.trace) over D-Bus:
// the commands the daemon sends arrive as the method calls with their
// arguments, and the signals come back as the lines it parses.
func TestFlow_PBCJoinOverTheFake(t *testing.T) {
	srv, c, ctx := dialFake(t)
	// p2p-dev-wlan0 speaks through wlan0's object, as in wpa_supplicant.
	if c.DevicePath() != srv.Dev || srv.Dev != "/fi/w1/wpa_supplicant1/Interfaces/0" {
		t.Fatalf("DevicePath = %s, want the parent's %s", c.DevicePath(), srv.Dev)
	}
	req := func(iface, cmd, want string) {
		t.Helper()
		got, err := c.RequestIface(ctx, iface, cmd)
		if err != nil || got != want {
			t.Fatalf("%s on %q = %q, %v; want %q", cmd, iface, got, err, want)
		}
	}
	phone := wpaevent.MAC{0x42, 0, 0, 0, 1, 0}
	phoneIf := wpaevent.MAC{0x42, 0, 0, 0, 1, 1}
	srv.AddPeer(phone, "Pixel 7", 0x188)

	req("", "P2P_GROUP_ADD persistent", "OK\n")
	gi := srv.StartGroup("p2p-wlan0-0", "DIRECT-hp", "passw0rd", 2412, true)
	if m := next(t, c); m.Text != `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-hp" freq=2412 passphrase="passw0rd" go_dev_addr=00:00:00:00:00:00 [PERSISTENT]` {
		t.Errorf("group started: %q", m.Text)
	}
	req("p2p-wlan0-0", "STATUS", "bssid=42:00:00:00:ff:02\nfreq=2412\nssid=DIRECT-hp\nmode=P2P GO\naddress=42:00:00:00:ff:02\n")
	if _, err := c.Request(ctx, "STATUS"); !errors.Is(err, wpadbus.ErrNoEquivalent) {
		t.Errorf("STATUS of the P2P device: %v, want ErrNoEquivalent (no p2p_device_address)", err)
	}
	srv.ProvisionDiscoveryPBCRequest(phone)
	if m := next(t, c); m.Text != "P2P-PROV-DISC-PBC-REQ 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=10-0050F204-5 name='Pixel 7' config_methods=0x188 dev_capab=0x25 group_capab=0x0" {
		t.Errorf("PD: %q", m.Text)
	}
	req("p2p-wlan0-0", "WPS_PBC p2p_dev_addr=42:00:00:00:01:00", "OK\n")
	srv.StaAuthorized(gi, phoneIf, phone)
	if m := next(t, c); m.Iface != "p2p-wlan0-0" || m.Text != "AP-STA-CONNECTED 42:00:00:00:01:01 p2p_dev_addr=42:00:00:00:01:00" {
		t.Errorf("station: %+v", m)
	}
	srv.StaDeauthorized(gi, phoneIf, phone)
	if m := next(t, c); m.Text != "AP-STA-DISCONNECTED 42:00:00:00:01:01 p2p_dev_addr=42:00:00:00:01:00" {
		t.Errorf("station left: %q", m.Text)
	}
	req("", "P2P_GROUP_REMOVE p2p-wlan0-0", "OK\n")
	srv.FinishGroup(gi)
	if m := next(t, c); m.Text != "P2P-GROUP-REMOVED p2p-wlan0-0 GO" {
		t.Errorf("group removed: %q", m.Text)
	}
	req("", "P2P_CONNECT 42:00:00:00:01:00 pin display go_intent=15", "12345670\n")
	req("", "P2P_CONNECT 42:00:00:00:01:00 pbc go_intent=15", "OK\n") // D-Bus answers "00000000": the socket's OK
	if _, err := c.Request(ctx, "P2P_CONNECT 42:00:00:00:09:00 pbc"); !errors.As(err, new(*wpadbus.MethodError)) {
		t.Errorf("Connect to an unknown peer: %v, want the supplicant's InvalidArgs", err)
	}

	vm := func(kv ...any) map[string]dbus.Variant {
		m := map[string]dbus.Variant{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = dbus.MakeVariant(kv[i+1])
		}
		return m
	}
	pp := srv.PeerPath(phone)
	want := []wpadbustest.Call{
		{Path: srv.Dev, Method: "fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupAdd", Args: []any{vm("persistent", true)}},
		{Path: gi, Method: "fi.w1.wpa_supplicant1.Interface.WPS.Start", Args: []any{vm("Role", "enrollee", "Type", "pbc", "P2PDeviceAddress", phone[:])}},
		{Path: gi, Method: "fi.w1.wpa_supplicant1.Interface.P2PDevice.Disconnect"},
		{Path: srv.Dev, Method: "fi.w1.wpa_supplicant1.Interface.P2PDevice.Connect", Args: []any{vm("peer", pp, "wps_method", "display", "go_intent", int32(15))}},
		{Path: srv.Dev, Method: "fi.w1.wpa_supplicant1.Interface.P2PDevice.Connect", Args: []any{vm("peer", pp, "wps_method", "pbc", "go_intent", int32(15))}},
		{Path: srv.Dev, Method: "fi.w1.wpa_supplicant1.Interface.P2PDevice.Connect", Args: []any{vm("peer", srv.PeerPath(wpaevent.MAC{0x42, 0, 0, 0, 9, 0}), "wps_method", "pbc")}},
	}
	if diff := cmp.Diff(want, srv.Calls(), cmp.Transformer("variant", func(v dbus.Variant) string { return v.String() })); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestFlow_RefusalAndRestart(t *testing.T) {
	srv, c, ctx := dialFake(t)
	srv.FailNext("fi.w1.wpa_supplicant1.Interface.P2PDevice.GroupAdd", "fi.w1.wpa_supplicant1.UnknownError", "failed to add group")
	_, err := c.Request(ctx, "P2P_GROUP_ADD persistent=3")
	var me *wpadbus.MethodError
	if !errors.As(err, &me) || me.Name != "fi.w1.wpa_supplicant1.UnknownError" || me.Text != "failed to add group" {
		t.Fatalf("refused GroupAdd: %v", err)
	}
	srv.Stop()
	if m := next(t, c); m.Text != "CTRL-EVENT-TERMINATING " {
		t.Errorf("after stop: %q", m.Text)
	}
	if _, ok := <-c.Events(); ok || !errors.Is(c.Err(), wpactrl.ErrGone) {
		t.Fatalf("Events not closed with ErrGone: %v", c.Err())
	}
	srv.Start()
	if err := wpadbus.WaitForService(ctx, wpadbus.WithAddress(srv.Addr)); err != nil {
		t.Fatal(err)
	}
	c2, err := wpadbus.Dial(ctx, "p2p-dev-wlan0", wpadbus.WithAddress(srv.Addr))
	if err != nil {
		t.Fatalf("redial: %v", err)
	}
	defer c2.Close()
	if cfg, err := c2.DeviceConfig(ctx); err != nil || cfg["DeviceName"].Value() != "hostp2pd" {
		t.Errorf("DeviceConfig = %v, %v", cfg, err)
	}
}

// dialFake starts the fake for p2p-dev-wlan0 and dials it; both end with
// the test, and ctx bounds the test to 10 s.
func dialFake(t *testing.T) (*wpadbustest.Server, *wpadbus.Conn, context.Context) {
	t.Helper()
	srv := wpadbustest.New(t, "p2p-dev-wlan0")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, err := wpadbus.Dial(ctx, "p2p-dev-wlan0", wpadbus.WithAddress(srv.Addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return srv, c, ctx
}

// TestFlow_DebugLogHasNoPassphrase: the -vv log of the translated events
// must not carry the group passphrase of GroupStarted (the lab's scenario
// 26 found it in hostp2pd.log over backend: dbus), while the event itself,
// which the daemon parses, still does.
func TestFlow_DebugLogHasNoPassphrase(t *testing.T) {
	srv := wpadbustest.New(t, "p2p-dev-wlan0")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var buf syncBuf
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := wpadbus.Dial(ctx, "p2p-dev-wlan0", wpadbus.WithAddress(srv.Addr), wpadbus.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv.StartGroup("p2p-wlan0-0", "DIRECT-hp", "s3cret-Pass", 2412, false)
	if m := next(t, c); !strings.Contains(m.Text, `passphrase="s3cret-Pass"`) {
		t.Fatalf("event %q: want the passphrase in the event text", m.Text)
	}
	out := buf.String()
	if !strings.Contains(out, "P2P-GROUP-STARTED p2p-wlan0-0") {
		t.Fatalf("no debug line for the event in the log:\n%s", out)
	}
	if strings.Contains(out, "s3cret-Pass") {
		t.Errorf("the debug log carries the passphrase:\n%s", out)
	}
}

// syncBuf is a bytes.Buffer for a logger written from the reader goroutine.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
