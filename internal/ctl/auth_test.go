package ctl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hostp2pd/hostp2pd/internal/config"
	"github.com/hostp2pd/hostp2pd/internal/ctl"
	"github.com/hostp2pd/hostp2pd/internal/status"
	"github.com/hostp2pd/hostp2pd/internal/status/statustest"
)

// memberUID is a uid that is neither root nor ours.
const memberUID = 4242

// serveAs sends one request to h as if it came from peer (nil: a peer
// whose credentials are unknown) and returns the code and body.
func serveAs(h http.Handler, peer *ctl.Peer, method, route, body string) (int, string) {
	req := httptest.NewRequest(method, route, strings.NewReader(body))
	if peer != nil {
		req = req.WithContext(ctl.ContextWithPeer(req.Context(), *peer))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// safeConfig writes a configuration file only its owner (we) can write.
func safeConfig(t *testing.T, dir, name, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProbeCtl_MemberIsRefusedEveryPrivilegedRequest: a ctl_group member (a
// peer that is neither root nor the daemon's user) gets 403 for raw
// wpa_supplicant commands and for reloading another file or the defaults,
// and none of them reaches the controller; the member routes work.
func TestProbeCtl_MemberIsRefusedEveryPrivilegedRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := safeConfig(t, dir, "good.yaml", "interface: p2p-dev-wlan1\nrun_program: /tmp/x\n", 0o600)
	f := &statustest.Controller{Snapshot: sampleStatus()}
	h := ctl.Handler(f, nil)
	member := &ctl.Peer{PID: 77, UID: memberUID, GID: memberUID}
	privileged := []struct{ name, route, body string }{
		{"raw wpa command", "/v1/wpa", `{"cmd":"SET config_methods keypad"}`},
		{"raw wpa to another interface", "/v1/wpa", `{"cmd":"IFNAME=p2p-wlan0-0 WPS_PBC"}`},
		{"reload another file", "/v1/reload", fmt.Sprintf(`{"path":%q}`, good)},
		{"reload /etc/shadow", "/v1/reload", `{"path":"/etc/shadow"}`},
		{"reload the defaults", "/v1/reload", `{"path":"reset"}`},
	}
	for _, who := range []struct {
		name string
		peer *ctl.Peer
	}{{"member", member}, {"unknown peer", nil}} {
		for _, tt := range privileged {
			code, body := serveAs(h, who.peer, http.MethodPost, tt.route, tt.body)
			if code != http.StatusForbidden || !strings.Contains(body, "needs root") {
				t.Errorf("%s, %s: %d %s; want 403 needs root", who.name, tt.name, code, body)
			}
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Fatalf("refused requests reached the controller: %q", calls)
	}

	allowed := []struct{ method, route, body string }{
		{"GET", "/v1/status", ""},
		{"GET", "/v1/clients", ""},
		{"GET", "/v1/peers", ""},
		{"POST", "/v1/pin", `{"peer":"42:00:00:00:01:00","pin":"12345670"}`},
		{"POST", "/v1/disconnect", `{"peer":"42:00:00:00:01:00"}`},
		{"POST", "/v1/forget", `{"peer":"42:00:00:00:01:00"}`},
		{"POST", "/v1/reload", `{"path":""}`},
	}
	for _, tt := range allowed {
		if code, body := serveAs(h, member, tt.method, tt.route, tt.body); code != 200 {
			t.Errorf("member %s %s: %d %s; want 200", tt.method, tt.route, code, body)
		}
	}
	want := []string{"pin 42:00:00:00:01:00 12345670", "disconnect 42:00:00:00:01:00", "forget 42:00:00:00:01:00", "reload "}
	if diff := cmp.Diff(want, f.Calls()); diff != "" {
		t.Errorf("member calls (-want +got):\n%s", diff)
	}

	// Root (and the daemon's own user) may do it all.
	for _, uid := range []uint32{0, uint32(os.Geteuid())} {
		for _, tt := range privileged[:3] {
			if code, body := serveAs(h, &ctl.Peer{UID: uid}, http.MethodPost, tt.route, tt.body); code != 200 {
				t.Errorf("uid %d, %s: %d %s; want 200", uid, tt.name, code, body)
			}
		}
	}
}

// TestProbeCtl_MemberReloadOfAWritableConfiguredFileIsRefused: a member may
// reload the configured file only while nobody but root can have changed
// it (otherwise a writable file would hand them run_program as root).
func TestProbeCtl_MemberReloadOfAWritableConfiguredFileIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := safeConfig(t, dir, "hostp2pd.yaml", "run_program: /bin/true\n", 0o664)
	st := sampleStatus()
	st.ConfigFile = cfg
	f := &statustest.Controller{Snapshot: st}
	h := ctl.Handler(f, nil)
	code, body := serveAs(h, &ctl.Peer{UID: memberUID}, http.MethodPost, "/v1/reload", `{}`)
	if code != http.StatusForbidden || !strings.Contains(body, "writable by group or others") {
		t.Errorf("member reload of a 0664 file: %d %s; want 403", code, body)
	}
	if code, body := serveAs(h, &ctl.Peer{UID: 0}, http.MethodPost, "/v1/reload", `{}`); code != 200 {
		t.Errorf("root reload of the configured file: %d %s; want 200", code, body)
	}
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := serveAs(h, &ctl.Peer{UID: memberUID}, http.MethodPost, "/v1/reload", `{}`); code != 200 {
		t.Errorf("member reload of a 0644 file: %d %s; want 200", code, body)
	}
	if diff := cmp.Diff([]string{"reload ", "reload "}, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestProbeReload_HostileFiles replays the reload probe: files root might
// be tricked into loading. None reaches the controller, none hangs, and
// the answer never quotes the file.
func TestProbeReload_HostileFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shadow := safeConfig(t, dir, "shadow",
		"root:$6$xyzsalt$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", 0o640)
	empty := safeConfig(t, dir, "empty.yaml", "# nothing\n", 0o600)
	gw := safeConfig(t, dir, "gw.yaml", "run_program: /tmp/evil\n", 0o620)
	ww := safeConfig(t, dir, "ww.yaml", "run_program: /tmp/evil\n", 0o606)
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(gw, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		code       int
		msg        string
	}{
		{"shadow-like file", shadow, 400, "sets no hostp2pd setting"},
		{"comments only", empty, 400, "sets no hostp2pd setting"},
		{"group-writable", gw, 403, "writable by group or others"},
		{"world-writable", ww, 403, "writable by group or others"},
		{"symlink to a group-writable file", link, 403, "writable by group or others"},
		{"FIFO", fifo, 400, "not a regular file"},
		{"directory", dir, 400, "not a regular file"},
		{"missing", filepath.Join(dir, "none.yaml"), 404, "no such file"},
	}
	f := &statustest.Controller{}
	h := ctl.Handler(f, nil)
	root := &ctl.Peer{UID: 0}
	for _, tt := range tests {
		code, body := serveAs(h, root, http.MethodPost, "/v1/reload", fmt.Sprintf(`{"path":%q}`, tt.path))
		if code != tt.code || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: %d %s; want %d with %q", tt.name, code, body, tt.code, tt.msg)
		}
		if strings.Contains(body, "SECRETHASH") || strings.Contains(body, "evil") {
			t.Errorf("%s: the answer quotes the file: %s", tt.name, body)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("hostile files reached the controller: %q", calls)
	}
}

// TestProbeReload_SafeFileWithAnErrorReachesTheLoader: a root-owned file
// with a bad value is the loader's to report (file:line: key), as 400.
func TestProbeReload_SafeFileWithAnErrorReachesTheLoader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := safeConfig(t, dir, "bad.yaml", "dhcp:\n  subnet: nope\n", 0o600)
	_, _, lerr := config.Load(bad)
	if lerr == nil {
		t.Fatal("the loader accepts the bad file; fix the test")
	}
	f := &statustest.Controller{Err: lerr}
	code, body := serveAs(ctl.Handler(f, nil), &ctl.Peer{UID: 0}, http.MethodPost, "/v1/reload", fmt.Sprintf(`{"path":%q}`, bad))
	if code != 400 || !strings.Contains(body, "bad.yaml:2") {
		t.Errorf("%d %s; want 400 naming bad.yaml:2", code, body)
	}
	if diff := cmp.Diff([]string{"reload " + bad}, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestHandler_ControllerErrorsMapToStatusCodes: the typed errors of the
// command layer become 400/403/404/409/503/504, anything else 500.
func TestHandler_ControllerErrorsMapToStatusCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code int
	}{
		{fmt.Errorf("peer %q: not a MAC address: %w", "zz", status.ErrInvalid), 400},
		{&config.Error{File: "a.yaml", Line: 3, Key: "pin", Msg: "bad"}, 400},
		{errors.Join(&config.Error{File: "a.yaml", Line: 3, Key: "pin", Msg: "bad"}), 400},
		{fmt.Errorf("config: %w", fs.ErrPermission), 403},
		{fmt.Errorf("no client 42:00:00:00:09:00: %w", status.ErrNotFound), 404},
		{fmt.Errorf("config: open x: %w", fs.ErrNotExist), 404},
		{fmt.Errorf("no group is running: %w", status.ErrConflict), 409},
		{fmt.Errorf("wpa_supplicant is not connected: %w", status.ErrNotRunning), 503},
		{fmt.Errorf("waiting: %w", context.DeadlineExceeded), 504},
		{errors.New("wpactrl: p2p_find: FAIL"), 500},
	}
	for _, tt := range tests {
		f := &statustest.Controller{Err: tt.err}
		code, body := serveAs(ctl.Handler(f, nil), &ctl.Peer{UID: 0}, http.MethodPost, "/v1/disconnect", `{"peer":"42:00:00:00:09:00"}`)
		var e ctl.ErrorResponse
		if err := json.Unmarshal([]byte(body), &e); err != nil || code != tt.code || e.Error != tt.err.Error() {
			t.Errorf("%v: %d %s; want %d with the message", tt.err, code, body, tt.code)
		}
	}
}
