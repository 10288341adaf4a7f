package ctl_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func sampleStatus() status.Status {
	return status.Status{
		Version: "test", Interface: "p2p-dev-wlan0", Mode: "persistent", WPSMethod: "keypad",
		State: "group-up", Supplicant: "connected", Started: t0,
		Group: &status.Group{Iface: "p2p-wlan0-0", SSID: "DIRECT-ab-Group", Freq: 2412, Persistent: true, Since: t0},
		Clients: []status.Client{{DevAddr: "42:00:00:00:01:00", IfaceAddr: "42:00:00:00:01:01",
			Name: "Bob's \"Ph\" $(reboot)", IP: "192.168.49.2", Method: "pbc", Joined: t0}},
		Peers:    []status.Peer{{DevAddr: "42:00:00:00:01:00", Name: "Bob", DevType: "Phone", FirstSeen: t0, LastSeen: t0}},
		Counters: map[string]uint64{"P2P-DEVICE-FOUND": 3},
	}
}

// start serves f on a socket in a temp dir; the server stops at cleanup.
func start(t *testing.T, f *statustest.Controller) (*ctl.Client, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, f, nil) }()
	c := ctl.NewClient(path)
	t.Cleanup(func() {
		c.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("socket left behind after Serve returned: %v", err)
		}
	})
	return c, path
}

func TestClient_EveryRoute(t *testing.T) {
	t.Parallel()
	f := &statustest.Controller{Snapshot: sampleStatus(), Reply: "OK"}
	c, _ := start(t, f)
	ctx := t.Context()

	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleStatus(), st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	cl, err := c.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleStatus().Clients, cl); diff != "" {
		t.Errorf("clients (-want +got):\n%s", diff)
	}
	peers, err := c.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleStatus().Peers, peers); diff != "" {
		t.Errorf("peers (-want +got):\n%s", diff)
	}
	raw, err := c.StatusJSON(ctx)
	if err != nil || !strings.Contains(string(raw), `"ssid": "DIRECT-ab-Group"`) {
		t.Errorf("StatusJSON = %s, %v", raw, err)
	}
	if err := c.EnterPIN(ctx, "42:00:00:00:01:00", "12345670"); err != nil {
		t.Error(err)
	}
	if err := c.Disconnect(ctx, "42:00:00:00:01:00"); err != nil {
		t.Error(err)
	}
	if err := c.Reload(ctx, "reset"); err != nil {
		t.Error(err)
	}
	if reply, err := c.WPA(ctx, "p2p_find"); err != nil || reply != "OK" {
		t.Errorf("WPA = %q, %v", reply, err)
	}
	want := []string{"pin 42:00:00:00:01:00 12345670", "disconnect 42:00:00:00:01:00", "reload reset", "wpa p2p_find"}
	if diff := cmp.Diff(want, f.Calls()); diff != "" {
		t.Errorf("controller calls (-want +got):\n%s", diff)
	}
}

func TestClient_EmptyListsAreArrays(t *testing.T) {
	t.Parallel()
	_, path := start(t, &statustest.Controller{})
	for _, route := range []string{"/v1/clients", "/v1/peers"} {
		code, body := raw(t, path, http.MethodGet, route, "")
		if code != 200 || strings.TrimSpace(body) != "[]" {
			t.Errorf("%s = %d %q, want 200 []", route, code, body)
		}
	}
}

func TestClient_ControllerErrorBecomesAPIError(t *testing.T) {
	t.Parallel()
	f := &statustest.Controller{Err: fmt.Errorf("no client 42:00:00:00:09:00: %w", status.ErrNotFound)}
	c, _ := start(t, f)
	err := c.Disconnect(t.Context(), "42:00:00:00:09:00")
	var ae *ctl.APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusNotFound || !strings.Contains(ae.Message, "no client") {
		t.Errorf("err = %#v", err)
	}
	f.Set(func(c *statustest.Controller) { c.Err = errors.New("wpactrl: p2p_find: FAIL") })
	_, err = c.WPA(t.Context(), "p2p_find")
	if !errors.As(err, &ae) || ae.Code != http.StatusInternalServerError || ae.Message != "wpactrl: p2p_find: FAIL" {
		t.Errorf("err = %#v", err)
	}
}

// raw sends one request and returns the status code and body.
func raw(t *testing.T, path, method, route, body string) (int, string) {
	t.Helper()
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://x"+route, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, route, ct)
	}
	return resp.StatusCode, string(b)
}

func TestServer_MalformedRequestsAre4xxJSON(t *testing.T) {
	t.Parallel()
	f := &statustest.Controller{}
	_, path := start(t, f)
	tests := []struct {
		name, method, route, body string
		code                      int
		msg                       string
	}{
		{"unknown route", "GET", "/v1/nope", "", 404, "not found"},
		{"unversioned", "GET", "/status", "", 404, "not found"},
		{"wrong method", "POST", "/v1/status", "", 405, "use GET"},
		{"GET on a POST route", "GET", "/v1/pin", "", 405, "use POST"},
		{"empty body", "POST", "/v1/pin", "", 400, "empty request body"},
		{"not JSON", "POST", "/v1/pin", "peer=x", 400, "malformed JSON"},
		{"truncated", "POST", "/v1/disconnect", `{"peer":`, 400, "malformed JSON"},
		{"wrong type", "POST", "/v1/reload", `{"path":7}`, 400, "malformed JSON"},
		{"unknown field", "POST", "/v1/wpa", `{"cmd":"ping","x":1}`, 400, "unknown field"},
		{"two objects", "POST", "/v1/wpa", `{"cmd":"ping"}{}`, 400, "trailing data"},
		{"array", "POST", "/v1/pin", `[]`, 400, "malformed JSON"},
		{"bad pin", "POST", "/v1/pin", `{"peer":"","pin":"12ab"}`, 400, "pin"},
		{"no peer", "POST", "/v1/disconnect", `{}`, 400, "peer"},
		{"multi-line wpa", "POST", "/v1/wpa", `{"cmd":"ping\nterminate"}`, 400, "cmd"},
		{"too large", "POST", "/v1/wpa", `{"cmd":"` + strings.Repeat("a", ctl.MaxBody) + `"}`, 413, "larger than"},
	}
	for _, tt := range tests {
		code, body := raw(t, path, tt.method, tt.route, tt.body)
		if code != tt.code || !strings.Contains(body, `"error": `) || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: %d %s; want %d with %q", tt.name, code, body, tt.code, tt.msg)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("malformed requests reached the controller: %q", calls)
	}
}

func TestListen_Modes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
		t.Errorf("mode = %v, %v; want socket 0600", fi.Mode(), err)
	}
	_ = l.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left the socket: %v", err)
	}

	gid := os.Getgid()
	l, err = ctl.Listen(path, fmt.Sprint(gid))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	fi, _ = os.Lstat(path)
	if fi.Mode().Perm() != 0o660 {
		t.Errorf("group mode = %v, want 0660", fi.Mode().Perm())
	}
	if _, err := ctl.Listen(filepath.Join(dir, "b.sock"), "no-such-group-hostp2pd"); err == nil {
		t.Error("unknown group accepted")
	}
}

func TestListen_ReplacesStaleSocketOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.sock")

	// A stale socket: bound, then the listener gone without unlinking.
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	_ = ul.Close()
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}

	// A live one is not replaced.
	if _, err := ctl.Listen(path, ""); !errors.Is(err, ctl.ErrInUse) {
		t.Errorf("live socket: err = %v, want ErrInUse", err)
	}
	_ = l.Close()

	// Not a socket: refused and left alone.
	file := filepath.Join(dir, "f.sock")
	if err := os.WriteFile(file, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.Listen(file, ""); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("regular file: err = %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep" {
		t.Error("regular file was touched")
	}
}

func TestListen_RefusesOtherUsersSocket(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown a socket to another user")
	}
	path := filepath.Join(t.TempDir(), "o.sock")
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	_ = ul.Close()
	if err := os.Lchown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	// Root refuses too: only root-owned or own sockets are replaced.
	if _, err := ctl.Listen(path, ""); err == nil || !strings.Contains(err.Error(), "belongs to uid 65534") {
		t.Errorf("err = %v", err)
	}
}

func TestClient_NoServer(t *testing.T) {
	t.Parallel()
	c := ctl.NewClient(filepath.Join(t.TempDir(), "none.sock"))
	defer c.Close()
	_, err := c.Status(t.Context())
	if !errors.Is(err, ctl.ErrNoServer) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNoServer wrapping ENOENT", err)
	}
}

func TestServe_StopsOnCancelWithRequestInFlight(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "c.sock")
	l, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, &statustest.Controller{}, nil) }()
	c := ctl.NewClient(path)
	if _, err := c.Status(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	got := ctl.DefaultPath("p2p-dev-wlan0")
	if !strings.HasSuffix(got, "/hostp2pd-p2p-dev-wlan0.sock") {
		t.Errorf("DefaultPath = %q", got)
	}
	if os.Geteuid() == 0 && got != "/run/hostp2pd-p2p-dev-wlan0.sock" {
		t.Errorf("root DefaultPath = %q", got)
	}
}
