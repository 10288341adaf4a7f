package ctl_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/daemon"
	"github.com/hostp2pd/hostp2pd/wpactrl/wpatest"
)

// TestProbeAPI_DaemonErrorsAndHostileRequests replays the R10 probe
// against a real daemon and the fake wpa_supplicant: a bad MAC is 400, an
// unknown phone 404, a request that needs a group while none runs 409, and
// any command while wpa_supplicant is away 503 (all of them were 500). It
// also replays hostile requests (NUL, shell text, invalid UTF-8, paths,
// /etc/shadow, deep JSON): each is a 4xx that changes nothing.
func TestProbeAPI_DaemonErrorsAndHostileRequests(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "ctld")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	srv, err := wpatest.NewServer(dir, "wlan0", "p2p-dev-wlan0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	srv.SetVar("config_methods", "virtual_push_button keypad display")
	cfg, _, err := config.Parse("test.yaml", []byte("interface: p2p-dev-wlan0\nctrl_interface: "+dir+"\nactivate_persistent_group: false\ndynamic_group: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{}, 4)
	d, err := daemon.New(cfg, daemon.Options{LocalDir: dir, PingInterval: 100 * time.Millisecond,
		OnReady: func() { ready <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("daemon not ready")
	}
	sock := filepath.Join(dir, "ctl.sock")
	l, err := ctl.Listen(sock, "")
	if err != nil {
		t.Fatal(err)
	}
	sdone := make(chan error, 1)
	go func() { sdone <- ctl.Serve(ctx, l, d, nil) }()
	defer func() { cancel(); <-sdone }()

	tests := []struct {
		name, route, body string
		code              int
		msg               string
	}{
		{"bad MAC to disconnect", "/v1/disconnect", `{"peer":"zz:zz"}`, 400, "not a MAC address"},
		{"bad MAC to pin", "/v1/pin", `{"peer":"42:00:00:00:01","pin":"1234"}`, 400, "not a MAC address"},
		{"no group to disconnect from", "/v1/disconnect", `{"peer":"42:00:00:00:09:00"}`, 409, "no group is running"},
		{"no phone waits for a PIN", "/v1/pin", `{"peer":"42:00:00:00:09:00","pin":"1234"}`, 404, "no phone is waiting"},
		{"bad interface name", "/v1/wpa", `{"cmd":"IFNAME=a/b PING"}`, 400, "bad interface name"},
		{"bad MAC to forget", "/v1/forget", `{"peer":"zz:zz"}`, 400, "not a MAC address"},
		{"forget broadcast", "/v1/forget", `{"peer":"ff:ff:ff:ff:ff:ff"}`, 400, "not a phone's address"},
		{"forget a phone", "/v1/forget", `{"peer":"42:00:00:00:09:00"}`, 200, "true"},
	}
	for _, tt := range tests {
		code, body := raw(t, sock, http.MethodPost, tt.route, tt.body)
		if code != tt.code || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: %d %s; want %d with %q", tt.name, code, body, tt.code, tt.msg)
		}
	}
	if !slices.ContainsFunc(srv.Commands(), func(c wpatest.Command) bool { return c.Cmd == "P2P_REMOVE_CLIENT 42:00:00:00:09:00" }) {
		t.Errorf("forget did not reach wpa_supplicant as P2P_REMOVE_CLIENT")
	}

	// Hostile inputs (issue 21 probe): none is a 5xx, none changes the
	// configuration, none reaches wpa_supplicant.
	before, cmds := d.Config(), len(srv.Commands())
	hostile := []struct {
		name, method, route, body string
		code                      int
	}{
		{"peer with NUL", "POST", "/v1/disconnect", "{\"peer\":\"42:00:00:00:01:00\\u0000\"}", 400},
		{"peer with a shell command", "POST", "/v1/disconnect", `{"peer":"$(reboot)"}`, 400},
		{"forget with a shell command", "POST", "/v1/forget", `{"peer":"$(reboot)"}`, 400},
		{"peer with invalid UTF-8", "POST", "/v1/pin", "{\"peer\":\"\xff\xfe\",\"pin\":\"1234\"}", 400},
		{"full-width digits as PIN", "POST", "/v1/pin", `{"peer":"","pin":"１２３４"}`, 400},
		{"PIN with a newline", "POST", "/v1/pin", `{"peer":"","pin":"1234\n"}`, 400},
		{"interface with a path", "POST", "/v1/wpa", `{"cmd":"IFNAME=../../etc/x PING"}`, 400},
		{"empty interface", "POST", "/v1/wpa", `{"cmd":"IFNAME= PING"}`, 400},
		{"two commands", "POST", "/v1/wpa", `{"cmd":"PING\rTERMINATE"}`, 400},
		{"/etc/shadow", "POST", "/v1/reload", `{"path":"/etc/shadow"}`, 400},
		{"a directory", "POST", "/v1/reload", `{"path":"/etc"}`, 400},
		{"/dev/zero", "POST", "/v1/reload", `{"path":"/dev/zero"}`, 400},
		{"deeply nested JSON", "POST", "/v1/pin", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), 400},
		{"TRACE", "TRACE", "/v1/status", "", 405},
	}
	for _, tt := range hostile {
		code, body := raw(t, sock, tt.method, tt.route, tt.body)
		if code != tt.code {
			t.Errorf("%s: %d %s; want %d", tt.name, code, body, tt.code)
		}
	}
	if _, err := os.Stat("/etc/shadow"); err == nil {
		if code, body := raw(t, sock, "POST", "/v1/reload", `{"path":"/etc/shadow"}`); strings.Contains(body, "root:") {
			t.Errorf("the answer quotes /etc/shadow: %d %s", code, body)
		}
	}
	if after := d.Config(); after != before {
		t.Errorf("hostile requests changed the configuration:\n%s\nto\n%s", before, after)
	}
	if got := srv.Commands()[cmds:]; len(got) != 0 {
		for _, c := range got {
			if !strings.HasPrefix(c.Cmd, "PING") && !strings.HasPrefix(c.Cmd, "P2P_") {
				t.Errorf("a hostile request reached wpa_supplicant: %q", c.Cmd)
			}
		}
	}

	srv.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for d.Status().Supplicant == "connected" {
		if time.Now().After(deadline) {
			t.Fatal("the daemon did not notice wpa_supplicant went away")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, r := range []struct{ route, body string }{
		{"/v1/disconnect", `{"peer":"42:00:00:00:09:00"}`},
		{"/v1/pin", `{"peer":"","pin":"1234"}`},
		{"/v1/wpa", `{"cmd":"PING"}`},
	} {
		if code, body := raw(t, sock, http.MethodPost, r.route, r.body); code != 503 || !strings.Contains(body, "not connected") {
			t.Errorf("%s while wpa_supplicant is away: %d %s; want 503", r.route, code, body)
		}
	}
}
