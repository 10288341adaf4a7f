package wpatest_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hostp2pd/hostp2pd/wpactrl"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

const dev = "p2p-dev-wlan0"

func newServer(t *testing.T, ifaces ...string) *wpatest.Server {
	t.Helper()
	s, err := wpatest.NewServer(t.TempDir(), ifaces...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// rawClient is a bare bound unixgram socket, to see exact datagrams.
type rawClient struct {
	t  *testing.T
	uc *net.UnixConn
}

func newRaw(t *testing.T, server string) *rawClient {
	t.Helper()
	local := filepath.Join(t.TempDir(), "c")
	uc, err := net.DialUnix("unixgram", &net.UnixAddr{Name: local, Net: "unixgram"},
		&net.UnixAddr{Name: server, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { uc.Close() })
	return &rawClient{t: t, uc: uc}
}

func (c *rawClient) send(cmd string) {
	c.t.Helper()
	if _, err := c.uc.Write([]byte(cmd)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *rawClient) recv() string {
	c.t.Helper()
	buf := make([]byte, 65536)
	_ = c.uc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.uc.Read(buf)
	if err != nil {
		c.t.Fatal(err)
	}
	return string(buf[:n])
}

func (c *rawClient) req(cmd string) string {
	c.t.Helper()
	c.send(cmd)
	return c.recv()
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestServer_DefaultReplies(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	if err := s.AddIface("p2p-wlan0-7"); err != nil {
		t.Fatal(err)
	}
	s.SetVar("config_methods", "virtual_push_button")
	s.AddNetwork(wpatest.Network{ID: 0, SSID: "DIRECT-SJ", BSSID: wpatest.DeviceAddress,
		Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 3, Disabled: 2})
	d, g := newRaw(t, s.Path(dev)), newRaw(t, s.Path("p2p-wlan0-7"))
	tests := []struct {
		c         *rawClient
		cmd, want string
	}{
		{d, "PING", "PONG\n"},
		{d, "P2P_FIND", "OK\n"},
		{d, "P2P_LISTEN 5", "OK\n"},
		{d, "P2P_SET per_sta_psk 1", "OK\n"},
		{d, "SET device_name hostp2pd", "OK\n"},
		{d, "SET device_name " + strings.Repeat("x", 33), "FAIL\n"},
		{d, "GET device_name", "hostp2pd"},
		{d, "GET config_methods", "virtual_push_button"},
		{d, "GET nosuch", "FAIL\n"},
		{d, "INTERFACES", "p2p-wlan0-7\np2p-dev-wlan0\nwlan0\n"},
		{d, "LIST_NETWORKS", "network id / ssid / bssid / flags\n0\tDIRECT-SJ\t42:00:00:00:00:00\t[DISABLED][P2P-PERSISTENT]\n"},
		{d, "GET_NETWORK 0 ssid", `"DIRECT-SJ"`},
		{d, "GET_NETWORK 0 mode", "3"},
		{d, "GET_NETWORK 0 disabled", "2"},
		{d, "GET_NETWORK 0 psk", "*"},
		{d, "GET_NETWORK 9 ssid", "FAIL\n"},
		{d, "P2P_CONNECT 42:00:00:00:01:00 pbc go_intent=15", "OK\n"},
		{d, "P2P_CONNECT 42:00:00:00:01:00 pin", wpatest.GeneratedPIN},
		{d, "P2P_PEER 42:00:00:00:01:00", "FAIL\n"},
		{d, "STATUS", "wpa_state=DISCONNECTED\np2p_device_address=42:00:00:00:00:00\naddress=42:00:00:00:00:00\nuuid=362db47b-a53a-5191-88fb-5458b986b2e4\n"},
		{d, "LIST_STA", "UNKNOWN COMMAND\n"},
		{d, "p2p_find", "UNKNOWN COMMAND\n"}, // case-sensitive, like the real one
		{g, "WPS_PIN any 12345678", "12345678"},
		{g, "WPS_PIN any", wpatest.GeneratedPIN},
		{g, "STA-FIRST", ""},
		{g, "P2P_GET_PASSPHRASE", wpatest.Passphrase},
		{g, "DEAUTHENTICATE 46:00:00:00:01:00", "OK\n"},
		{g, "IFNAME", "p2p-wlan0-7"},
	}
	for _, tt := range tests {
		if got := tt.c.req(tt.cmd); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestServer_GroupLifecycleEventsAndOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	mon := newRaw(t, s.Path(dev))
	if got := mon.req("ATTACH"); got != "OK\n" {
		t.Fatalf("ATTACH = %q", got)
	}
	c := newRaw(t, s.Path(dev))

	// OK first, then P2P-GROUP-STARTED; the socket exists by the OK.
	if got := c.req("P2P_GROUP_ADD freq=2412"); got != "OK\n" {
		t.Fatalf("P2P_GROUP_ADD = %q", got)
	}
	if _, err := os.Stat(s.Path("p2p-wlan0-0")); err != nil {
		t.Fatalf("group socket: %v", err)
	}
	want := `<3>P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2412 passphrase="abcdefgh" go_dev_addr=42:00:00:00:00:00`
	if got := mon.recv(); got != want {
		t.Fatalf("event = %q, want %q", got, want)
	}
	if got := c.req("P2P_GROUP_ADD persistent"); got != "OK\n" {
		t.Fatalf("P2P_GROUP_ADD persistent = %q", got)
	}
	if got := mon.recv(); !strings.HasPrefix(got, "<3>P2P-GROUP-STARTED p2p-wlan0-1 GO ") || !strings.HasSuffix(got, " [PERSISTENT]") {
		t.Fatalf("persistent event = %q", got)
	}
	want2 := []wpatest.Network{{ID: 0, SSID: "DIRECT-xy", BSSID: wpatest.DeviceAddress,
		Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 3, Disabled: 2}}
	if diff := cmp.Diff(want2, s.Networks()); diff != "" {
		t.Errorf("networks (-want +got):\n%s", diff)
	}
	if got := c.req("INTERFACES"); got != "p2p-wlan0-1\np2p-wlan0-0\np2p-dev-wlan0\nwlan0\n" {
		t.Errorf("INTERFACES = %q", got)
	}
	if got := c.req("P2P_GROUP_ADD bogus"); got != "FAIL\n" {
		t.Errorf("P2P_GROUP_ADD bogus = %q", got)
	}
	if got := c.req("P2P_GROUP_ADD persistent=7"); got != "FAIL\n" {
		t.Errorf("P2P_GROUP_ADD persistent=7 (no such network) = %q", got)
	}

	// WPS_PBC: WPS-PBC-ACTIVE comes before the OK.
	gmon := newRaw(t, s.Path("p2p-wlan0-0"))
	gmon.req("ATTACH")
	if got := gmon.req("WPS_PBC p2p_dev_addr=42:00:00:00:01:00"); got != "<3>WPS-PBC-ACTIVE " {
		t.Errorf("first datagram after WPS_PBC = %q, want the event", got)
	}
	if got := gmon.recv(); got != "OK\n" {
		t.Errorf("then %q", got)
	}

	// P2P_GROUP_REMOVE: the event comes before the OK, the socket goes.
	if got := c.req("P2P_GROUP_REMOVE p2p-wlan0-0"); got != "OK\n" {
		t.Fatalf("P2P_GROUP_REMOVE = %q", got)
	}
	if got := mon.recv(); got != "<3>P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED" {
		t.Errorf("event = %q", got)
	}
	if _, err := os.Stat(s.Path("p2p-wlan0-0")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("group socket still there: %v", err)
	}
	if got := c.req("P2P_GROUP_REMOVE p2p-wlan0-0"); got != "FAIL\n" {
		t.Errorf("second P2P_GROUP_REMOVE = %q", got)
	}
	// Group numbering only increases.
	c.req("P2P_GROUP_ADD")
	if got := mon.recv(); !strings.HasPrefix(got, "<3>P2P-GROUP-STARTED p2p-wlan0-2 ") {
		t.Errorf("third group = %q", got)
	}

	// P2P_STOP_FIND: P2P-FIND-STOPPED only when a find runs, before OK.
	c.req("P2P_STOP_FIND")
	c.req("P2P_FIND")
	c.req("P2P_STOP_FIND")
	if got := mon.recv(); got != "<3>P2P-FIND-STOPPED " {
		t.Errorf("event = %q", got)
	}
}

func TestServer_GlobalRoutingAndForwarding(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	if err := s.AddGlobal("global"); err != nil {
		t.Fatal(err)
	}
	g := newRaw(t, s.Path("global"))
	if got := g.req("ATTACH"); got != "OK\n" {
		t.Fatalf("ATTACH = %q", got)
	}
	if got := g.req("IFNAME=p2p-dev-wlan0 P2P_GROUP_ADD"); got != "OK\n" {
		t.Fatalf("P2P_GROUP_ADD = %q", got)
	}
	// P2P events from the P2P device come without IFNAME=.
	if got := g.recv(); !strings.HasPrefix(got, "<3>P2P-GROUP-STARTED p2p-wlan0-0 GO ") {
		t.Fatalf("event = %q", got)
	}
	s.Emit("p2p-wlan0-0", "AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00")
	s.Emit(dev, "AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00") // copy: not forwarded
	s.Emit("wlan0", "CTRL-EVENT-SCAN-STARTED ")
	for _, want := range []string{
		"IFNAME=p2p-wlan0-0 <3>AP-STA-CONNECTED 46:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00",
		"IFNAME=wlan0 <3>CTRL-EVENT-SCAN-STARTED ",
	} {
		if got := g.recv(); got != want {
			t.Errorf("event = %q, want %q", got, want)
		}
	}
	tests := []struct{ cmd, want string }{
		{"PING", "PONG\n"},
		{"INTERFACES", "p2p-wlan0-0\np2p-dev-wlan0\nwlan0\n"},
		{"STATUS", "p2p_device_address=42:00:00:00:00:00\np2p_state=IDLE\nwifi_display=1\n" +
			"ifname=p2p-wlan0-0\naddress=46:00:00:00:00:00\nifname=p2p-dev-wlan0\naddress=42:00:00:00:00:00\n" +
			"ifname=wlan0\naddress=02:00:00:00:00:00\n"},
		{"IFNAME=p2p-wlan0-0 STA-FIRST", ""},
		{"IFNAME=nosuch0 PING", "FAIL-NO-IFNAME-MATCH\n"},
		{"STA-FIRST", "FAIL\n"}, // redirected to the P2P device, not an AP
		{"P2P_FIND", "OK\n"},    // redirected to the P2P device
		{"LEVEL 2", "UNKNOWN COMMAND\n"},
		{"WPS_PBC", "UNKNOWN COMMAND\n"},
	}
	for _, tt := range tests {
		if got := g.req(tt.cmd); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.cmd, got, tt.want)
		}
	}
	var got []string
	for _, c := range s.Commands() {
		got = append(got, c.Socket+" "+c.Iface+" "+c.Cmd)
	}
	want := []string{
		"global p2p-dev-wlan0 P2P_GROUP_ADD",
		"global global INTERFACES",
		"global global STATUS",
		"global p2p-wlan0-0 STA-FIRST",
		"global p2p-dev-wlan0 STA-FIRST",
		"global p2p-dev-wlan0 P2P_FIND",
		"global global WPS_PBC",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestServer_HandlerPrecedence(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	s.Reply("", "P2P_", "short\n")
	s.Reply("", "P2P_FIND", "any-iface\n")
	s.Reply(dev, "P2P_FIND", "dev-iface\n")
	s.Reply("", "P2P_FIND 10", "longest\n")
	s.Handle("", "ECHO", func(iface, cmd string) string { return iface + ":" + cmd })
	d, w := newRaw(t, s.Path(dev)), newRaw(t, s.Path("wlan0"))
	tests := []struct {
		c         *rawClient
		cmd, want string
	}{
		{d, "P2P_FIND", "dev-iface\n"},
		{w, "P2P_FIND", "any-iface\n"},
		{d, "P2P_FIND 10", "longest\n"},
		{d, "P2P_LISTEN", "short\n"},
		{w, "ECHO hi", "wlan0:ECHO hi"},
		{d, "PING", "PONG\n"},
	}
	for _, tt := range tests {
		if got := tt.c.req(tt.cmd); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestServer_WaitCommandConsumesInOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	c := newRaw(t, s.Path(dev))
	for _, cmd := range []string{"P2P_FIND", "SET a 1", "P2P_FIND 5"} {
		c.req(cmd)
	}
	ctx := ctx5(t)
	for _, want := range []struct{ prefix, cmd string }{
		{"SET", "SET a 1"}, {"P2P_FIND", "P2P_FIND"}, {"P2P_FIND", "P2P_FIND 5"},
	} {
		got, err := s.WaitCommand(ctx, dev, want.prefix)
		if err != nil || got.Cmd != want.cmd || got.Iface != dev || got.Time.IsZero() {
			t.Fatalf("WaitCommand(%q) = %+v, %v; want %q", want.prefix, got, err, want.cmd)
		}
	}
	// Nothing left: it waits, and a command arriving later satisfies it.
	go func() {
		time.Sleep(20 * time.Millisecond)
		newRaw(t, s.Path("wlan0")).req("P2P_FIND")
	}()
	got, err := s.WaitCommand(ctx, "wlan0", "P2P_FIND")
	if err != nil || got.Iface != "wlan0" {
		t.Fatalf("WaitCommand = %+v, %v", got, err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := s.WaitCommand(short, "", "P2P_FIND"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCommand with none left = %v", err)
	}
}

func TestServer_AttachDetachMonitors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a, b := newRaw(t, s.Path(dev)), newRaw(t, s.Path(dev))
	tests := []struct {
		c    *rawClient
		cmd  string
		want string
		n    int
	}{
		{a, "ATTACH", "OK\n", 1},
		{a, "ATTACH", "OK\n", 1}, // the same address is not added twice
		{b, "ATTACH", "OK\n", 2},
		{b, "LEVEL 2", "OK\n", 2},
		{a, "DETACH", "OK\n", 1},
		{a, "DETACH", "FAIL\n", 1},
	}
	for _, tt := range tests {
		if got := tt.c.req(tt.cmd); got != tt.want || s.Monitors(dev) != tt.n {
			t.Errorf("%s = %q with %d monitors; want %q with %d", tt.cmd, got, s.Monitors(dev), tt.want, tt.n)
		}
	}
	if n := len(s.Commands()); n != 0 {
		t.Errorf("socket-level commands recorded: %v", s.Commands())
	}
}

func TestServer_KillLeavesStaleSocketsRestartReplacesThem(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	c := newRaw(t, s.Path(dev))
	c.req("P2P_GROUP_ADD")
	ino := func(p string) uint64 {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Sys().(*syscall.Stat_t).Ino
	}
	before := ino(s.Path(dev))

	s.Kill()
	for _, name := range []string{dev, "wlan0", "p2p-wlan0-0"} {
		if _, err := os.Stat(s.Path(name)); err != nil {
			t.Errorf("%s removed by Kill: %v", name, err)
		}
	}
	if _, err := c.uc.Write([]byte("PING")); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("send after Kill = %v; want ECONNREFUSED", err)
	}
	if _, err := c.uc.Write([]byte("PING")); !errors.Is(err, syscall.ENOTCONN) {
		t.Errorf("second send after Kill = %v; want ENOTCONN", err)
	}
	s.Emit(dev, "IGNORED") // no-op while dead

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if ino(s.Path(dev)) == before {
		t.Error("Restart kept the inode")
	}
	c2 := newRaw(t, s.Path(dev))
	if got := c2.req("INTERFACES"); got != "p2p-dev-wlan0\nwlan0\n" {
		t.Errorf("INTERFACES after restart = %q", got)
	}
	if got := s.Monitors(dev); got != 0 {
		t.Errorf("monitors after restart = %d", got)
	}
	c2.req("ATTACH")
	c2.req("P2P_GROUP_ADD")
	if got := c2.recv(); !strings.HasPrefix(got, "<3>P2P-GROUP-STARTED p2p-wlan0-0 ") {
		t.Errorf("numbering after restart: %q", got)
	}
}

func TestServer_TerminateEmitsAndRemovesSockets(t *testing.T) {
	t.Parallel()
	s := newServer(t, "wlan0", dev)
	if err := s.AddGlobal("global"); err != nil {
		t.Fatal(err)
	}
	d, g := newRaw(t, s.Path(dev)), newRaw(t, s.Path("global"))
	d.req("ATTACH")
	g.req("ATTACH")
	d.req("P2P_GROUP_ADD")
	d.recv()
	g.recv()
	grp := newRaw(t, s.Path("p2p-wlan0-0"))
	grp.req("ATTACH")

	s.Terminate()
	for _, want := range []string{"<3>P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED", "<3>CTRL-EVENT-TERMINATING "} {
		if got := d.recv(); got != want {
			t.Errorf("p2p-dev event = %q, want %q", got, want)
		}
	}
	for _, want := range []string{"<3>P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED",
		"IFNAME=wlan0 <3>CTRL-EVENT-TERMINATING ", "IFNAME=p2p-dev-wlan0 <3>CTRL-EVENT-TERMINATING "} {
		if got := g.recv(); got != want {
			t.Errorf("global event = %q, want %q", got, want)
		}
	}
	ents, _ := os.ReadDir(s.Dir())
	if len(ents) != 0 {
		t.Errorf("files left after Terminate: %v", ents)
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := newRaw(t, s.Path("global")).req("PING"); got != "PONG\n" {
		t.Errorf("global after restart: %q", got)
	}
}

func TestServer_WithWpactrlClient(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	local := t.TempDir()
	ctx := ctx5(t)
	m, err := wpactrl.Attach(ctx, s.Path(dev), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, err := wpactrl.Dial(ctx, s.Path(dev), wpactrl.WithLocalDir(local))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Request(ctx, "P2P_GROUP_ADD"); err != nil {
		t.Fatal(err)
	}
	ev := <-m.Events()
	want := wpactrl.Message{Level: 3, Text: `P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2437 passphrase="abcdefgh" go_dev_addr=42:00:00:00:00:00`}
	if diff := cmp.Diff(want, ev, cmpopts.IgnoreFields(wpactrl.Message{}, "Time")); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestServer_DropsOverlongCommandsWithoutReply(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newRaw(t, s.Path(dev))
	c.send("SET x " + strings.Repeat("y", 8192))
	if got := c.req("PING"); got != "PONG\n" {
		t.Fatalf("first datagram after an overlong command = %q; want only PONG", got)
	}
}

func TestServer_GroupNamedAtStartIsAGroup(t *testing.T) {
	t.Parallel()
	s := newServer(t, dev, "p2p-wlan0-3")
	if got := newRaw(t, s.Path("p2p-wlan0-3")).req("STA-FIRST"); got != "" {
		t.Errorf("STA-FIRST on group = %q, want empty", got)
	}
	if got := newRaw(t, s.Path(dev)).req("STA-FIRST"); got != "FAIL\n" {
		t.Errorf("STA-FIRST on p2p-dev = %q, want FAIL", got)
	}
}
