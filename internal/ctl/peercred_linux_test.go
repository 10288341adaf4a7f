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
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// nobody is the second user of the real-credentials test.
const nobody = 65534

// runAs runs f with effective uid and gid set to id on one OS thread only
// (raw setresuid/setresgid, which affect the calling thread alone), so
// that f's system calls (connect: SO_PEERCRED; file access) act as that
// user. The thread is never unlocked: it ends with its goroutine.
func runAs(id int, f func()) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		keep := ^uintptr(0) // -1: leave unchanged
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESGID, keep, uintptr(id), keep); e != 0 {
			errc <- fmt.Errorf("setresgid: %w", e)
			return
		}
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESUID, keep, uintptr(id), keep); e != 0 {
			errc <- fmt.Errorf("setresuid: %w", e)
			return
		}
		f()
		errc <- nil
	}()
	return <-errc
}

// dialAs connects to the unix socket at path as user id (see runAs).
func dialAs(path string, id int) (net.Conn, error) {
	var c net.Conn
	var err error
	if rerr := runAs(id, func() { c, err = net.Dial("unix", path) }); rerr != nil {
		return nil, rerr
	}
	return c, err
}

// requestAs sends one request over a connection made by dial.
func requestAs(t *testing.T, dial func() (net.Conn, error), method, route, body string) (int, string) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true,
		DialContext: func(context.Context, string, string) (net.Conn, error) { return dial() }}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://hostp2pd"+route, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProbeCtl_RealSecondUserIsRefusedPrivilegedRequests runs the privilege
// model end to end: the server reads the peer's uid with SO_PEERCRED from
// a real connection made as another user (a ctl_group member), and refuses
// each privileged request with 403, while root's succeed.
func TestProbeCtl_RealSecondUserIsRefusedPrivilegedRequests(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to connect as a second user")
	}
	// A directory the second user can traverse, holding a socket owned by
	// its group (ctl_group), mode 0660.
	dir, err := os.MkdirTemp("", "ctlpeer")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ctl.sock")
	l, err := ctl.Listen(path, fmt.Sprint(nobody))
	if err != nil {
		t.Fatal(err)
	}
	good := safeConfig(t, t.TempDir(), "good.yaml", "interface: p2p-dev-wlan1\n", 0o600)
	f := &statustest.Controller{Snapshot: sampleStatus(), Reply: "OK"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Serve(ctx, l, f, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})

	member := func() (net.Conn, error) { return dialAs(path, nobody) }
	root := func() (net.Conn, error) { return net.Dial("unix", path) }
	privileged := []struct{ name, route, body string }{
		{"wpa", "/v1/wpa", `{"cmd":"p2p_find"}`},
		{"reload another file", "/v1/reload", fmt.Sprintf(`{"path":%q}`, good)},
		{"reset", "/v1/reload", `{"path":"reset"}`},
	}
	for _, tt := range privileged {
		if code, body := requestAs(t, member, "POST", tt.route, tt.body); code != http.StatusForbidden {
			t.Errorf("member %s: %d %s; want 403", tt.name, code, body)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Fatalf("the member's privileged requests reached the controller: %q", calls)
	}
	if code, body := requestAs(t, member, "GET", "/v1/status", ""); code != 200 || !strings.Contains(body, "DIRECT-ab-Group") {
		t.Errorf("member status: %d %s", code, body)
	}
	if code, body := requestAs(t, member, "POST", "/v1/pin", `{"peer":"","pin":"1234"}`); code != 200 {
		t.Errorf("member pin: %d %s", code, body)
	}
	for _, tt := range privileged {
		if code, body := requestAs(t, root, "POST", tt.route, tt.body); code != 200 {
			t.Errorf("root %s: %d %s; want 200", tt.name, code, body)
		}
	}
	want := []string{"pin  1234", "wpa p2p_find", "reload " + good, "reload reset"}
	if diff := cmp.Diff(want, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestProbeListen_NonRootNeverUnlinksRootsLiveSocket: a non-root run that finds
// root's live socket (connect: EACCES) in a directory it may write must
// refuse, not take the socket for stale and unlink it.
func TestProbeListen_NonRootNeverUnlinksRootsLiveSocket(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to own the live socket and to act as a second user")
	}
	dir, err := os.MkdirTemp("", "ctlstale")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "hostp2pd-p2p-dev-wlan0.sock")
	live, err := ctl.Listen(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = live.Close() }()
	var lerr error
	if err := runAs(nobody, func() {
		var l net.Listener
		if l, lerr = ctl.Listen(path, ""); l != nil {
			_ = l.Close()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(lerr, ctl.ErrInUse) || !strings.Contains(lerr.Error(), "permission denied") {
		t.Errorf("non-root Listen over root's live socket = %v; want ErrInUse (permission denied)", lerr)
	}
	if c, err := net.Dial("unix", path); err != nil {
		t.Errorf("root's socket is gone: %v", err)
	} else {
		_ = c.Close()
	}
}
