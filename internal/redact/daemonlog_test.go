package redact_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/daemon"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logged is a daemon at -vv (Debug) against the fake wpa_supplicant, its
// log kept in buf.
type logged struct {
	t   *testing.T
	dir string
	srv *wpatest.Server
	d   *daemon.Daemon
	buf syncBuffer
}

// newLogged makes the fake's directory; start runs the daemon with yml.
func newLogged(t *testing.T) *logged {
	dir, err := os.MkdirTemp("", "redact")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return &logged{t: t, dir: dir}
}

func (h *logged) start(yml string) {
	t := h.t
	srv, err := wpatest.NewServer(h.dir, "wlan0", "p2p-dev-wlan0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	cfg, _, err := config.Parse("test.yaml", []byte("interface: p2p-dev-wlan0\nctrl_interface: "+h.dir+"\n"+yml))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&h.buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := daemon.New(cfg, daemon.Options{Logger: log, LocalDir: h.dir, PingInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	h.srv, h.d = srv, d
}

func (h *logged) wait(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; log:\n%s", what, h.buf.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProbeLog_DebugLogHasNoSecrets runs the daemon at -vv (Debug) against
// the fake wpa_supplicant through a group start (the event carries the
// group passphrase), a keypad enrolment (WPS_PIN with the configured PIN)
// and a phone that shows its PIN, and checks that the log, which holds
// every command, reply and event, contains none of the secrets.
func TestProbeLog_DebugLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	const (
		pin      = "12345670"
		shownPIN = "11442752"
		group    = "p2p-wlan0-0"
	)
	h := newLogged(t)
	h.start("activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\npassword: \"" + pin + "\"\n")
	srv, d, wait := h.srv, h.d, h.wait
	wait("group up", func() bool { return d.Status().Group != nil && srv.Monitors(group) > 0 })
	srv.Emit("p2p-dev-wlan0", "P2P-DEVICE-FOUND 42:00:00:00:01:00 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1")
	srv.Emit("p2p-dev-wlan0", "P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 "+shownPIN+" p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group="+group)
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if _, err := srv.WaitCommand(wctx, group, "WPS_PIN any "+pin); err != nil {
		t.Fatalf("the PIN was not armed: %v", err)
	}
	wait("the WPS_PIN command in the log", func() bool { return strings.Contains(h.buf.String(), "WPS_PIN any [redacted]") })

	out := h.buf.String()
	for _, want := range []string{"P2P-GROUP-STARTED", "passphrase=[redacted]", "P2P-PROV-DISC-SHOW-PIN"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q: the test does not see what it should", want)
		}
	}
	for _, secret := range []string{wpatest.Passphrase, pin, shownPIN} {
		if strings.Contains(out, secret) {
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, secret) {
					t.Errorf("secret %q in the log: %s", secret, line)
				}
			}
		}
	}
}

// The PIN a display_program is given (wps_method: random) is a secret of
// the log too: the hook's arguments and its output lines are logged with
// it masked, while the program itself gets it.
func TestProbeLog_DisplayProgramPINNotLogged(t *testing.T) {
	t.Parallel()
	const group = "p2p-wlan0-0"
	h := newLogged(t)
	got := filepath.Join(h.dir, "shown")
	prog := filepath.Join(h.dir, "show.sh")
	// It fails, so that its arguments are logged at WARN as well.
	if err := os.WriteFile(prog, []byte("#!/bin/sh\nprintf %s \"$1\" > "+got+"\necho \"PIN for $3: $1\"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.start("activate_persistent_group: false\nactivate_autonomous_group: true\npbc_in_use: false\nwps_method: random\ndisplay_program: " + prog + "\n")
	srv, d, wait := h.srv, h.d, h.wait
	wait("group up", func() bool { return d.Status().Group != nil && srv.Monitors(group) > 0 })
	srv.Emit("p2p-dev-wlan0", "P2P-PROV-DISC-SHOW-PIN 42:00:00:00:01:00 11442752 p2p_dev_addr=42:00:00:00:01:00 pri_dev_type=1-0050F204-1 name='phone' config_methods=0x188 dev_capab=0x25 group_capab=0x0 group="+group)
	wait("the display_program's failure in the log", func() bool { return strings.Contains(h.buf.String(), "hook failed") })
	b, err := os.ReadFile(got)
	if err != nil || len(b) != 8 {
		t.Fatalf("display_program got %q, %v; want the 8-digit PIN", b, err)
	}
	pin := string(b)
	out := h.buf.String()
	if !strings.Contains(out, "PIN for phone: [redacted]") {
		t.Errorf("the hook's output line is not in the log, masked: the test does not see what it should")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, pin) {
			t.Errorf("the shown PIN %s in the log: %s", pin, line)
		}
	}
}
