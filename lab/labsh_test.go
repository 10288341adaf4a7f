package lab

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/hostp2pd/hostp2pd/internal/config"
)

// labSh runs script in sh on the host after sourcing lib/lab.sh (the
// helpers that only print, such as daemon_yaml, need no VM).
func labSh(t *testing.T, script string) (string, error) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this host")
	}
	out, err := exec.Command(sh, "-c", ". ./lib/lab.sh\n"+script).CombinedOutput()
	return string(out), err
}

// TestDaemonYAML feeds every mode and method of daemon_yaml (lib/lab.sh) to
// the daemon's own config parser: the YAML the scenarios start hostp2pd with
// must mean what the helper's comment says.
func TestDaemonYAML(t *testing.T) {
	pbc, noPBC := true, false
	modes := map[string]config.Mode{
		"persistent":            config.ModePersistent,
		"persistent-on-demand":  config.ModePersistentOnDemand,
		"autonomous":            config.ModeAutonomous,
		"autonomous-on-demand":  config.ModeAutonomousOnDemand,
		"negotiated-on-demand":  config.ModeNegotiatedOnDemand,
		"negotiated-persistent": config.ModeNegotiatedPersistent,
	}
	methods := map[string]struct {
		pbc    bool
		pin    string // "" = the default PIN
		method config.WPSMethod
	}{
		"pbc": {pbc: pbc, method: config.WPSPBC},
		// no wps_method key: the daemon derives keypad from pbc_in_use: false
		"pin":     {pbc: noPBC, pin: "12345670", method: config.WPSKeypad},
		"keypad":  {pbc: noPBC, pin: "12345670", method: config.WPSKeypad},
		"display": {pbc: noPBC, method: config.WPSDisplay},
	}
	def := config.Default()
	for mode, wantMode := range modes {
		for method, want := range methods {
			out, err := labSh(t, "daemon_yaml "+mode+" "+method+` "white_list:" "  - phone-1" "  - phone-2"`)
			if err != nil {
				t.Fatalf("daemon_yaml %s %s: %v\n%s", mode, method, err, out)
			}
			c, _, err := config.Parse("daemon_yaml "+mode+" "+method, []byte(out))
			if err != nil {
				t.Fatalf("daemon_yaml %s %s does not parse: %v\n%s", mode, method, err, out)
			}
			if c.Mode != wantMode {
				t.Errorf("daemon_yaml %s %s: mode %v, want %v", mode, method, c.Mode, wantMode)
			}
			if c.PBCInUse == nil || *c.PBCInUse != want.pbc {
				t.Errorf("daemon_yaml %s %s: pbc_in_use %v, want %v", mode, method, c.PBCInUse, want.pbc)
			}
			wantPIN := want.pin
			if wantPIN == "" {
				wantPIN = def.PIN
			}
			if c.PIN != wantPIN {
				t.Errorf("daemon_yaml %s %s: pin %q, want %q", mode, method, c.PIN, wantPIN)
			}
			if c.WPSMethod != want.method {
				t.Errorf("daemon_yaml %s %s: wps method %v, want %v", mode, method, c.WPSMethod, want.method)
			}
			if c.CtlSocket != "/run/hostp2pd.sock" || !c.DHCP.Enabled {
				t.Errorf("daemon_yaml %s %s: ctl_socket %q, dhcp enabled %v", mode, method, c.CtlSocket, c.DHCP.Enabled)
			}
			if strings.Join(c.WhiteList, ",") != "phone-1,phone-2" {
				t.Errorf("daemon_yaml %s %s: the extra lines gave white_list %q", mode, method, c.WhiteList)
			}
		}
	}
}

// TestDaemonYAMLExtraDHCPLine: an indented extra line lands in the dhcp block.
func TestDaemonYAMLExtraDHCPLine(t *testing.T) {
	out, err := labSh(t, `daemon_yaml autonomous pbc "  lease_file: /tmp/x.leases" "group_freq: 2437"`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	c, _, err := config.Parse("x", []byte(out))
	if err != nil {
		t.Fatalf("does not parse: %v\n%s", err, out)
	}
	if c.DHCP.LeaseFile != "/tmp/x.leases" || c.GroupFreq != 2437 || !c.DHCP.Enabled {
		t.Errorf("lease_file %q group_freq %d dhcp enabled %v", c.DHCP.LeaseFile, c.GroupFreq, c.DHCP.Enabled)
	}
}

// TestDaemonYAMLRefusesUnknown: a mistyped mode or method is an error, not a
// default the scenario did not ask for.
func TestDaemonYAMLRefusesUnknown(t *testing.T) {
	for _, args := range []string{"autonomus pbc", "autonomous push", "autonomous", ""} {
		if out, err := labSh(t, "daemon_yaml "+args); err == nil {
			t.Errorf("daemon_yaml %s succeeded:\n%s", args, out)
		}
	}
}
