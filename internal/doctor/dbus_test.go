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
