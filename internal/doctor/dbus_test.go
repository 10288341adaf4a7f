package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/wpadbus"
)

// TestDBus_ReportsWhichWayInWorks: the D-Bus line for each answer of the
// probe, with and without a working control socket.
func TestDBus_ReportsWhichWayInWorks(t *testing.T) {
	denied := fmt.Errorf("wpadbus: GetNameOwner: %w (x): allow sending to fi.w1.wpa_supplicant1 for this user or group in %s",
		wpadbus.ErrAccessDenied, wpadbus.PolicyFiles[0])
	tests := []struct {
		name    string
		dialErr error
		probe   error
		want    string // the report line (level, check, message start)
		hint    string // in the hint lines; "" = none shown
	}{
		{name: "both", probe: nil, want: "ok    D-Bus                  fi.w1.wpa_supplicant1 manages p2p-dev-wlan0 with P2P (the control socket is used)"},
		{name: "D-Bus only", dialErr: fs.ErrNotExist, probe: nil, want: "warn  D-Bus                  fi.w1.wpa_supplicant1 manages p2p-dev-wlan0 with P2P",
			hint: "add ctrl_interface=DIR="},
		{name: "denied, socket works", probe: denied,
			want: "ok    D-Bus                  access denied by the bus policy (not needed: the control socket is used); policy file: /etc/dbus-1/system.d/wpa_supplicant.conf"},
		{name: "denied, no socket", dialErr: fs.ErrNotExist, probe: denied, want: "warn  D-Bus                  access denied by the bus policy",
			hint: "/etc/dbus-1/system.d/wpa_supplicant.conf"},
		{name: "no P2P", probe: fmt.Errorf("wpadbus: P2PDeviceConfig of p2p-dev-wlan0: %w", wpadbus.ErrNoP2P),
			want: "warn  D-Bus                  wpadbus: P2PDeviceConfig of p2p-dev-wlan0: no P2P", hint: "iw dev"},
		{name: "not on the bus", probe: fmt.Errorf("wpadbus: %w", wpadbus.ErrNoService),
			want: "ok    D-Bus                  not available (wpadbus: fi.w1.wpa_supplicant1 is not on the bus); only the control socket is used"},
		{name: "no bus", probe: fmt.Errorf("wpadbus: bus x: %w", fs.ErrNotExist), want: "ok    D-Bus                  not available ("},
		{name: "other", probe: errors.New("wpadbus: bus x: timeout"), want: "?     D-Bus                  unknown: wpadbus: bus x: timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req func(context.Context, string) (string, error)
			if tt.dialErr == nil {
				req = func(context.Context, string) (string, error) { return "PONG", nil }
			}
			var gotIface string
			c := &checker{ctx: context.Background(), cfg: testConfig("/run/wpa_supplicant"), iface: "p2p-dev-wlan0",
				env: Env{Request: req, DBus: func(_ context.Context, iface string) error { gotIface = iface; return tt.probe }}}
			c.probeBackends(tt.dialErr)
			c.dbus(tt.dialErr)
			out, _ := report(t, c.fs)
			if gotIface != "p2p-dev-wlan0" {
				t.Errorf("probed %q", gotIface)
			}
			if !strings.HasPrefix(out, tt.want) {
				t.Errorf("report:\n%s\nwant it to start with\n%s", out, tt.want)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if tt.hint == "" && len(lines) > 1 || tt.hint != "" && !strings.Contains(strings.Join(lines[1:], "\n"), tt.hint) {
				t.Errorf("hint: got\n%s\nwant %q", out, tt.hint)
			}
		})
	}
}

// TestBackend_PickedAsTheDaemonWould: the backend line for each backend
// value, control socket state and D-Bus answer.
func TestBackend_PickedAsTheDaemonWould(t *testing.T) {
	noService := fmt.Errorf("wpadbus: %w", wpadbus.ErrNoService)
	tests := []struct {
		name    string
		backend string
		dbusOK  bool // else per_sta_psk: false, interface named
		ctlOK   bool
		probe   error
		want    string
		hint    string
	}{
		{"auto, socket", "auto", false, true, nil, "ok    backend                auto: the control socket /run/wpa_supplicant/p2p-dev-wlan0", ""},
		{"auto, D-Bus only", "auto", true, false, nil, "ok    backend                auto: D-Bus (fi.w1.wpa_supplicant1 on ", ""},
		{"auto, D-Bus only, per_sta_psk", "auto", false, false, nil, "FAIL  backend                auto: no way in to wpa_supplicant",
			"no control socket; per_sta_psk needs the control-socket backend"},
		{"auto, neither", "auto", true, false, noService, "FAIL  backend                auto: no way in to wpa_supplicant",
			"no control socket; D-Bus: wpadbus: fi.w1.wpa_supplicant1 is not on the bus"},
		{"dbus over a socket", "dbus", true, true, nil, "ok    backend                dbus: D-Bus", ""},
		{"dbus, not on the bus", "dbus", true, true, noService, "FAIL  backend                dbus: no way in", "D-Bus: wpadbus: fi.w1.wpa_supplicant1 is not on the bus"},
		{"ctrl, D-Bus only", "ctrl", true, false, nil, "FAIL  backend                ctrl: no way in", "backend: ctrl and the control socket does not answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("/run/wpa_supplicant")
			cfg.Backend = tt.backend
			if tt.dbusOK {
				cfg.PerStaPSK, cfg.Interface = false, "p2p-dev-wlan0"
			}
			var req func(context.Context, string) (string, error)
			var dialErr error = fs.ErrNotExist
			if tt.ctlOK {
				req, dialErr = func(context.Context, string) (string, error) { return "PONG", nil }, nil
			}
			c := &checker{ctx: context.Background(), cfg: cfg, iface: "p2p-dev-wlan0",
				env: Env{Request: req, DBus: func(context.Context, string) error { return tt.probe }}}
			c.probeBackends(dialErr)
			c.backend()
			out, _ := report(t, c.fs)
			if !strings.HasPrefix(out, tt.want) {
				t.Errorf("report:\n%s\nwant it to start with\n%s", out, tt.want)
			}
			if tt.hint != "" && !strings.Contains(out, tt.hint) {
				t.Errorf("report:\n%s\nwant the hint %q", out, tt.hint)
			}
		})
	}
}
