package daemon

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// lockedBuffer is a log sink shared by the loop and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startLogged is start with a debug log written to log.
func startLogged(t *testing.T, yml string, log *lockedBuffer, setup ...func(*wpatest.Server)) *harness {
	t.Helper()
	dir, err := os.MkdirTemp("", "hp2p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv, err := wpatest.NewServer(dir, "wlan0", dev)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	for _, f := range setup {
		f(srv)
	}
	cfg, _, err := config.Parse("test.yaml", []byte(yml+"\ninterface: "+dev+"\nctrl_interface: "+dir+"\n"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	h := &harness{t: t, srv: srv, dir: dir, ready: make(chan struct{}, 8)}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := New(cfg, Options{Logger: logger, OnReady: func() { h.ready <- struct{}{} }, PingInterval: 200 * time.Millisecond})
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
	h.waitReady()
	return h
}

// TestAdoptedGroup_StatusHasPassphraseAndBSSID: a group that runs before
// the daemon starts carries no P2P-GROUP-STARTED; its passphrase comes from
// P2P_GET_PASSPHRASE on the group interface, its BSSID from STATUS there.
func TestAdoptedGroup_StatusHasPassphraseAndBSSID(t *testing.T) {
	var log lockedBuffer
	h := startLogged(t, "activate_persistent_group: false\nactivate_autonomous_group: true", &log,
		func(s *wpatest.Server) {
			if err := s.AddIface("p2p-wlan0-0"); err != nil {
				t.Fatal(err)
			}
		})
	h.groupUp()
	h.want("p2p-wlan0-0", "P2P_GET_PASSPHRASE")
	g := h.eventually("passphrase", func(s status.Status) bool { return s.Group != nil && s.Group.Passphrase != "" }).Group
	if g.Iface != "p2p-wlan0-0" || g.SSID != wpatest.SSID || g.Passphrase != wpatest.Passphrase || g.BSSID != "46:00:00:00:00:00" {
		t.Errorf("adopted group = %+v, want iface p2p-wlan0-0 ssid %s passphrase %s bssid 46:00:00:00:00:00", *g, wpatest.SSID, wpatest.Passphrase)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_GROUP_ADD"); n != 0 {
		t.Errorf("%d P2P_GROUP_ADD sent; the running group should have been adopted", n)
	}
	if strings.Contains(log.String(), wpatest.Passphrase) {
		t.Errorf("the log shows the passphrase:\n%s", log.String())
	}
}

// TestCreatedGroup_PassphraseFromEventNeverLogged: the passphrase of a
// group we start comes from P2P-GROUP-STARTED (no P2P_GET_PASSPHRASE); the
// debug log of that event and of network_parms' psk line hides it.
func TestCreatedGroup_PassphraseFromEventNeverLogged(t *testing.T) {
	var log lockedBuffer
	h := startLogged(t, "activate_persistent_group: false\nactivate_autonomous_group: true", &log)
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	h.eventually("bssid", func(s status.Status) bool { return s.Group != nil && s.Group.BSSID != "" })
	g := h.d.Status().Group
	if g.Passphrase != wpatest.Passphrase || g.BSSID != "46:00:00:00:00:00" {
		t.Errorf("group = %+v, want passphrase %s bssid 46:00:00:00:00:00", *g, wpatest.Passphrase)
	}
	if n := countPrefix(h.srv.Commands(), "P2P_GET_PASSPHRASE"); n != 0 {
		t.Errorf("P2P_GET_PASSPHRASE sent %d times; P2P-GROUP-STARTED carried the passphrase", n)
	}
	out := log.String()
	if !strings.Contains(out, "P2P-GROUP-STARTED") {
		t.Fatalf("the debug log has no P2P-GROUP-STARTED line; the test checks nothing:\n%s", out)
	}
	if strings.Contains(out, wpatest.Passphrase) {
		t.Errorf("the log shows the passphrase:\n%s", out)
	}
}

// TestRotate_SetsPskAndRestartsThePersistentGroup: hostp2pd rotate's
// daemon side against the fake wpa_supplicant.
func TestRotate_SetsPskAndRestartsThePersistentGroup(t *testing.T) {
	h := start(t, "activate_persistent_group: true", func(s *wpatest.Server) {
		s.AddNetwork(wpatest.Network{ID: 0, SSID: "DIRECT-PP-group", BSSID: wpatest.DeviceAddress, Flags: "[DISABLED][P2P-PERSISTENT]", Mode: 3, Disabled: 2})
	})
	h.want(dev, "P2P_GROUP_ADD persistent=0")
	h.groupUp()
	ssid, pass, err := h.d.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ssid != "DIRECT-PP-group" || len(pass) != rotatedLen {
		t.Errorf("Rotate = %q, %q; want DIRECT-PP-group and a %d-character passphrase", ssid, pass, rotatedLen)
	}
	if c := h.want(dev, "SET_NETWORK 0 psk"); c.Cmd != `SET_NETWORK 0 psk "`+pass+`"` {
		t.Errorf("sent %q", c.Cmd)
	}
	h.want(dev, "P2P_GROUP_REMOVE p2p-wlan0-0")
	h.eventually("group back", func(s status.Status) bool { return s.Group != nil && s.Group.Iface == "p2p-wlan0-1" })
	if n := countPrefix(h.srv.Commands(), "P2P_GROUP_ADD persistent=0"); n != 2 {
		t.Errorf("P2P_GROUP_ADD persistent=0 sent %d times, want 2", n)
	}
	if _, _, err := h.d.Rotate(context.Background()); err != nil {
		t.Errorf("second Rotate: %v", err)
	}
}

func TestRotate_TemporaryGroupRefused(t *testing.T) {
	h := start(t, "activate_persistent_group: false\nactivate_autonomous_group: true")
	h.want(dev, "P2P_GROUP_ADD")
	h.groupUp()
	if _, _, err := h.d.Rotate(context.Background()); !errors.Is(err, status.ErrConflict) {
		t.Errorf("Rotate of a temporary group = %v, want ErrConflict", err)
	}
}
