package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreFile compares Configs regardless of where they were read from.
var ignoreFile = cmpopts.IgnoreFields(Config{}, "File")

func ptr[T any](v T) *T { return &v }

// mustParse parses src as "t.yaml" and fails on any error.
func mustParse(t *testing.T, src string) (*Config, []Warning) {
	t.Helper()
	c, w, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return c, w
}

func warningStrings(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func TestDefault_HasHostp2pdAndOurDefaults(t *testing.T) {
	t.Parallel()
	want := &Config{
		Interface:               "auto",
		PIN:                     "00000000",
		ActivatePersistentGroup: true,
		SelectTimeoutSecs:       Timeouts{Normal: 10, Connect: 90, Long: 600, Enroller: 600},
		MinConnDelay:            40,
		MaxNumFailures:          3,
		MaxNumWpaCliFailures:    9,
		MaxScanPolling:          2,
		SaveConfigEnabled:       true,
		PerStaPSK:               true,
		MaxNegotiationTime:      120,
		PINTimeoutSecs:          120,
		CtrlInterface:           "/var/run/wpa_supplicant",
		Backend:                 "auto",
		FindInterval:            10,
		HookTimeoutSecs:         60,
		IdleDiscovery:           "listen",
		InviteKnown:             true,
		LogFile:                 "/var/log/hostp2pd.log",
		LogMaxSizeMB:            1,
		LogBackups:              3,
		MDNSHost:                "hostp2pd",
		DHCP: DHCP{
			Enabled: true, Subnet: "192.168.49.1/24", RangeFrom: "192.168.49.2",
			RangeTo: "192.168.49.254", LeaseSecs: 3600, EAPOLIP: true,
		},
		Mode:      ModePersistent,
		WPSMethod: WPSAuto,
	}
	if diff := cmp.Diff(want, Default()); diff != "" {
		t.Fatalf("Default() (-want +got):\n%s", diff)
	}
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if a, b := Default(), Default(); a == b {
		t.Fatal("Default returns a shared value")
	}
}

func TestParse_EmptyOrCommentOnlyFileGivesDefaults(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "# nothing\n", "---\n", "~\n", "hostp2pd:\n", "hostp2pd: # all commented\n#  pin: \"1\"\n"} {
		c, w := mustParse(t, src)
		if diff := cmp.Diff(Default(), c, ignoreFile); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", src, diff)
		}
		if len(w) != 0 {
			t.Errorf("Parse(%q) warnings: %v", src, w)
		}
		if c.File != "t.yaml" {
			t.Errorf("File = %q", c.File)
		}
	}
}

// TestParse_EveryKey sets each key once (at the top level; the section test
// below covers hostp2pd:) and checks the field it lands in.
func TestParse_EveryKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want func(c *Config)
	}{
		{"interface", "interface: p2p-dev-wlan1", func(c *Config) { c.Interface = "p2p-dev-wlan1" }},
		{"run_program", "run_program: /usr/local/bin/hook", func(c *Config) { c.RunProgram = "/usr/local/bin/hook" }},
		{"pin", `pin: "12345670"`, func(c *Config) { c.PIN = "12345670" }},
		{"pin unquoted keeps leading zeros", `pin: 01234567`, func(c *Config) { c.PIN = "01234567" }},
		{"password", `password: "87654321"`, func(c *Config) { c.PIN = "87654321" }},
		{"pbc_in_use true", "pbc_in_use: true", func(c *Config) { c.PBCInUse = ptr(true); c.WPSMethod = WPSPBC }},
		{"pbc_in_use false", "pbc_in_use: false", func(c *Config) { c.PBCInUse = ptr(false); c.WPSMethod = WPSKeypad }},
		{"pbc_in_use None", "pbc_in_use: None", func(c *Config) {}},
		{"white_list", "white_list: [a, b]", func(c *Config) { c.WhiteList = []string{"a", "b"} }},
		{"pbc_white_list", "pbc_white_list:\n  - Pixel 7", func(c *Config) { c.WhiteList = []string{"Pixel 7"} }},
		{"white_list single string", "white_list: Pixel 7", func(c *Config) { c.WhiteList = []string{"Pixel 7"} }},
		{"activate_persistent_group", "activate_persistent_group: false", func(c *Config) {
			c.ActivatePersistentGroup = false
			c.Mode = ModeAutonomousOnDemand
		}},
		{"activate_autonomous_group", "activate_autonomous_group: true", func(c *Config) {
			c.ActivateAutonomousGroup = true
			c.ActivatePersistentGroup = false
			c.Mode = ModeAutonomous
		}},
		{"dynamic_group", "dynamic_group: true", func(c *Config) { c.DynamicGroup = true; c.Mode = ModePersistentOnDemand }},
		{"persistent_network_id", "persistent_network_id: 3", func(c *Config) { c.PersistentNetworkID = ptr(3) }},
		{"ssid_postfix", "ssid_postfix: Group", func(c *Config) { c.SSIDPostfix = "Group" }},
		{"p2p_group_add_opts", "p2p_group_add_opts: freq=2", func(c *Config) { c.P2PGroupAddOpts = "freq=2" }},
		{"p2p_connect_opts", "p2p_connect_opts: freq=5 ht40", func(c *Config) { c.P2PConnectOpts = "freq=5 ht40" }},
		{"select_timeout_secs all", "select_timeout_secs: {normal: 5, connect: 30, long: 300, enroller: 60}", func(c *Config) {
			c.SelectTimeoutSecs = Timeouts{5, 30, 300, 60}
			c.FindInterval = 5
		}},
		{"select_timeout_secs partial keeps other defaults", "select_timeout_secs:\n  long: 900", func(c *Config) { c.SelectTimeoutSecs.Long = 900 }},
		{"min_conn_delay", "min_conn_delay: 20", func(c *Config) { c.MinConnDelay = 20 }},
		{"min_conn_delay float rounds up", "min_conn_delay: 20.5", func(c *Config) { c.MinConnDelay = 21 }},
		{"max_num_failures", "max_num_failures: 5", func(c *Config) { c.MaxNumFailures = 5 }},
		{"max_num_wpa_cli_failures", "max_num_wpa_cli_failures: 20", func(c *Config) { c.MaxNumWpaCliFailures = 20 }},
		{"max_scan_polling", "max_scan_polling: 0", func(c *Config) { c.MaxScanPolling = 0 }},
		{"save_config_enabled", "save_config_enabled: no", func(c *Config) { c.SaveConfigEnabled = false }},
		{"max_negotiation_time", "max_negotiation_time: 60", func(c *Config) { c.MaxNegotiationTime = 60 }},
		{"wpa_supplicant_min_err_warn", "wpa_supplicant_min_err_warn: 2", func(c *Config) { c.WpaSupplicantMinErrWarn = 2 }},
		{"force_logging name", "force_logging: info", func(c *Config) { c.ForceLogging = "INFO" }},
		{"force_logging number", "force_logging: 10", func(c *Config) { c.ForceLogging = "10" }},
		{"force_logging false", "force_logging: False", func(c *Config) {}},
		{"network_parms", "network_parms:\n  - proto RSN\n  - psk \"x y pass\"", func(c *Config) { c.NetworkParms = []string{"proto RSN", `psk "x y pass"`} }},
		{"config_parms", "config_parms: {p2p_go_intent: 15, device_name: Kitchen}", func(c *Config) {
			c.ConfigParms = map[string]string{"p2p_go_intent": "15", "device_name": "Kitchen"}
		}},
		{"negotiated_persistent", "dynamic_group: true\nactivate_persistent_group: false\nnegotiated_persistent: true", func(c *Config) {
			c.Negotiated, c.DynamicGroup, c.ActivatePersistentGroup = true, true, false
			c.Mode = ModeNegotiatedPersistent
		}},
		{"wps_method", "wps_method: display", func(c *Config) { c.WPSMethodName = "display"; c.WPSMethod = WPSDisplay }},
		{"wps_method virtual_push_button", "wps_method: virtual_push_button", func(c *Config) { c.WPSMethodName = "pbc"; c.WPSMethod = WPSPBC }},
		{"wps_method auto", "wps_method: AUTO", func(c *Config) {}},
		{"pin_program", "wps_method: display\npin_program: /bin/ask", func(c *Config) {
			c.WPSMethodName, c.WPSMethod, c.PINProgram = "display", WPSDisplay, "/bin/ask"
		}},
		{"display_program", "wps_method: random\ndisplay_program: /bin/show", func(c *Config) {
			c.WPSMethodName, c.WPSMethod, c.DisplayProgram = "random", WPSRandom, "/bin/show"
		}},
		{"pin_timeout_secs", "pin_timeout_secs: 30", func(c *Config) { c.PINTimeoutSecs = 30 }},
		{"allow_macs normalised", "allow_macs: [AA-BB-CC-DD-EE-FF]", func(c *Config) { c.AllowMACs = []string{"aa:bb:cc:dd:ee:ff"} }},
		{"deny_macs", "deny_macs: ['02:00:00:00:00:01']", func(c *Config) { c.DenyMACs = []string{"02:00:00:00:00:01"} }},
		{"ctrl_interface", "ctrl_interface: /run/wpa_supplicant", func(c *Config) { c.CtrlInterface = "/run/wpa_supplicant" }},
		{"ctrl_interface DIR= form", "ctrl_interface: DIR=/run/wpa GROUP=netdev", func(c *Config) { c.CtrlInterface = "/run/wpa" }},
		{"find_interval_secs", "find_interval_secs: 30", func(c *Config) { c.FindInterval = 30 }},
		{"group_freq", "group_freq: 2437", func(c *Config) { c.GroupFreq = 2437 }},
		{"group_freq band", "group_freq: 5", func(c *Config) { c.GroupFreq = 5 }},
		{"per_sta_psk", "per_sta_psk: off", func(c *Config) { c.PerStaPSK = false }},
		{"hook_timeout_secs", "hook_timeout_secs: 3", func(c *Config) { c.HookTimeoutSecs = 3 }},
		{"ctl_socket", "ctl_socket: off", func(c *Config) { c.CtlSocket = "off" }},
		{"ctl_group", "ctl_group: netdev", func(c *Config) { c.CtlGroup = "netdev" }},
		{"metrics_listen", "metrics_listen: 127.0.0.1:9477", func(c *Config) { c.MetricsListen = "127.0.0.1:9477" }},
		{"log_file", "log_file: /tmp/h.log", func(c *Config) { c.LogFile = "/tmp/h.log" }},
		{"log_file empty = none", `log_file: ""`, func(c *Config) { c.LogFile = "" }},
		{"log_file null = default", `log_file: ~`, func(c *Config) {}},
		{"log_max_size_mb", "log_max_size_mb: 5", func(c *Config) { c.LogMaxSizeMB = 5 }},
		{"log_backups", "log_backups: 0", func(c *Config) { c.LogBackups = 0 }},
		{"log_file_level", "log_file_level: warn", func(c *Config) { c.LogFileLevel = "WARNING" }},
		{"dhcp.enabled", "dhcp:\n  enabled: false", func(c *Config) { c.DHCP.Enabled = false }},
		{"dhcp as boolean", "dhcp: off", func(c *Config) { c.DHCP.Enabled = false }},
		{"dhcp.subnet derives range", "dhcp:\n  subnet: 10.7.0.1/16", func(c *Config) {
			c.DHCP.Subnet, c.DHCP.RangeFrom, c.DHCP.RangeTo = "10.7.0.1/16", "10.7.0.2", "10.7.255.254"
		}},
		{"dhcp.subnet GO at the top", "dhcp:\n  subnet: 10.0.0.254/24", func(c *Config) {
			c.DHCP.Subnet, c.DHCP.RangeFrom, c.DHCP.RangeTo = "10.0.0.254/24", "10.0.0.1", "10.0.0.253"
		}},
		{"dhcp.range", "dhcp: {range_from: 192.168.49.100, range_to: 192.168.49.150}", func(c *Config) {
			c.DHCP.RangeFrom, c.DHCP.RangeTo = "192.168.49.100", "192.168.49.150"
		}},
		{"dhcp.lease_secs", "dhcp: {lease_secs: 600}", func(c *Config) { c.DHCP.LeaseSecs = 600 }},
		{"dhcp.router", "dhcp: {router: yes}", func(c *Config) { c.DHCP.Router = true }},
		{"dhcp.dns", "dhcp: {dns: [1.1.1.1, 192.168.49.1]}", func(c *Config) { c.DHCP.DNS = []string{"1.1.1.1", "192.168.49.1"} }},
		{"dhcp.lease_file", "dhcp: {lease_file: /tmp/l.json}", func(c *Config) { c.DHCP.LeaseFile = "/tmp/l.json" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _ := mustParse(t, tt.in+"\n")
			want := Default()
			tt.want(want)
			if diff := cmp.Diff(want, got, ignoreFile); diff != "" {
				t.Fatalf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParse_Hostp2pdSectionEqualsTopLevel(t *testing.T) {
	t.Parallel()
	body := `pin: "12345670"
pbc_in_use: true
white_list: [Pixel]
dynamic_group: true
activate_persistent_group: false
select_timeout_secs:
  normal: 20
dhcp:
  subnet: 172.16.0.1/24
`
	top, _ := mustParse(t, body)
	indented := "hostp2pd:\n  " + strings.ReplaceAll(strings.TrimSuffix(body, "\n"), "\n", "\n  ") + "\n"
	sec, _ := mustParse(t, indented)
	if diff := cmp.Diff(top, sec); diff != "" {
		t.Fatalf("hostp2pd: section differs from top level (-top +section):\n%s", diff)
	}
	if top.Mode != ModeNegotiatedOnDemand || top.WPSMethod != WPSPBC || top.FindInterval != 20 || top.DHCP.RangeTo != "172.16.0.254" {
		t.Fatalf("unexpected resolution: %+v", top)
	}
	// Mixing both places works too.
	mixed, _ := mustParse(t, "pin: \"12345670\"\nhostp2pd:\n  pbc_in_use: true\n")
	if mixed.PIN != "12345670" || mixed.WPSMethod != WPSPBC {
		t.Fatalf("mixed: %+v", mixed)
	}
}

func TestParse_BothSpellings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
		warn    []string
	}{
		{
			name:    "password and pin differ",
			in:      "password: \"11112222\"\npin: \"33334444\"\n",
			wantErr: "t.yaml:2: pin: same setting as password at line 1, with a different value; keep one",
		},
		{
			name:    "white lists differ, across sections",
			in:      "white_list: [a]\nhostp2pd:\n  pbc_white_list: [b]\n",
			wantErr: "t.yaml:3: pbc_white_list: same setting as white_list at line 1, with a different value; keep one",
		},
		{
			name: "same value is a warning",
			in:   "hostp2pd:\n  password: \"11112222\"\npin: \"11112222\"\n",
			warn: []string{"t.yaml:3: pin: same setting as password at line 2, with the same value; keep one"},
		},
		{
			name:    "key repeated in one mapping",
			in:      "min_conn_delay: 1\nmin_conn_delay: 2\n",
			wantErr: "t.yaml:2: min_conn_delay: also set at line 1, with a different value; keep one",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, w, err := Parse("t.yaml", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if c != nil {
					t.Fatal("Config returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.warn, warningStrings(w)); diff != "" {
				t.Fatalf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_PythonNullsAndBooleans(t *testing.T) {
	t.Parallel()
	for _, null := range []string{"None", "none", "NONE", "null", "~", ""} {
		c, _ := mustParse(t, "pbc_in_use: "+null+"\npersistent_network_id: "+null+"\npin: "+null+"\nssid_postfix: "+null+"\n")
		if diff := cmp.Diff(Default(), c, ignoreFile); diff != "" {
			t.Errorf("%q: (-want +got):\n%s", null, diff)
		}
	}
	// A quoted "None" is a string, not null.
	c, _ := mustParse(t, `ssid_postfix: "None"`)
	if c.SSIDPostfix != "None" {
		t.Errorf("quoted None: ssid_postfix = %q", c.SSIDPostfix)
	}
	for in, want := range map[string]bool{
		"True": true, "TRUE": true, "yes": true, "Yes": true, "on": true, `"true"`: true,
		"False": false, "no": false, "NO": false, "off": false,
	} {
		c, _ := mustParse(t, "dynamic_group: "+in+"\nactivate_persistent_group: false\n")
		if c.DynamicGroup != want {
			t.Errorf("dynamic_group: %s = %v, want %v", in, c.DynamicGroup, want)
		}
	}
}

// TestParse_Hostp2pdPythonFile reads a complete file in the layout of the
// original project's sample: hostp2pd: section, YAML 1.1 directive, Python
// values, obsolete keys and a dictConfig logging: section.
func TestParse_Hostp2pdPythonFile(t *testing.T) {
	t.Parallel()
	const name = "testdata/hostp2pd-python.yaml"
	c, w, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.File = name
	want.SelectTimeoutSecs = Timeouts{Normal: 15, Connect: 60, Long: 300, Enroller: 300}
	want.FindInterval = 15
	want.MinConnDelay = 30
	want.MaxNumFailures = 4
	want.MaxScanPolling = 0
	want.PBCInUse = ptr(false)
	want.WPSMethod = WPSKeypad
	want.P2PGroupAddOpts = "freq=2"
	want.SSIDPostfix = "Kitchen"
	want.PIN = "12345670"
	want.Interface = "p2p-dev-wlan0"
	want.RunProgram = "/usr/local/bin/p2p-hook"
	want.WhiteList = []string{"Pixel 7", "Galaxy S21"}
	want.NetworkParms = []string{`psk "kitchen-passphrase"`, `ssid "DIRECT-PP-Kitchen"`, "proto RSN", "key_mgmt WPA-PSK", "pairwise CCMP", "auth_alg OPEN"}
	want.ConfigParms = map[string]string{"p2p_go_intent": "15", "persistent_reconnect": "1", "p2p_go_ht40": "1"}
	want.LogFile = "/var/log/hostp2pd-kitchen.log"
	want.LogMaxSizeMB = 2 // 2000000 bytes, rounded up to MiB
	want.LogBackups = 5
	want.LogFileLevel = "INFO" // max(handler INFO, root DEBUG)
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("config (-want +got):\n%s", diff)
	}
	wantWarn := []string{
		name + ":8: select_timeout_secs.connect: accepted, has no effect: no discovery runs while a group forms here, and a negotiation is bounded by max_negotiation_time",
		name + ":10: select_timeout_secs.enroller: accepted, has no effect: there is no separate enroller process; the group is served by the main loop, which reacts to events at once",
		name + ":11: p2p_client: accepted, has no effect: this hostp2pd talks to the wpa_supplicant control socket itself, no wpa_cli is run (see ctrl_interface)",
		name + ":14: max_num_wpa_cli_failures: accepted, has no effect: a lost wpa_supplicant never stops this daemon; it reconnects with backoff and keeps serving",
		name + ":26: pin_module: accepted, has no effect: Python PIN modules are not supported; use pin_program with wps_method: display",
		name + ":30: pbc_white_list: has no effect: the name white list applies only to pbc enrolment",
		name + ":45: logging: Python logging section: only the file handler's filename, maxBytes, backupCount and level are used; the rest is ignored",
	}
	if diff := cmp.Diff(wantWarn, warningStrings(w)); diff != "" {
		t.Fatalf("warnings (-want +got):\n%s", diff)
	}
}

// TestParse_StockSampleShape mirrors the file hostp2pd installs: an empty
// hostp2pd: section (everything commented out) and a logging section whose
// root level is DEBUG and console level ERROR.
func TestParse_StockSampleShape(t *testing.T) {
	t.Parallel()
	src := `%YAML 1.1
---
hostp2pd: # uncomment to change
#  pin: "00000000"
#  dynamic_gropus: False

logging:
  version: 1
  handlers:
    console:
      class: logging.StreamHandler
      level: ERROR
    file:
      class: logging.handlers.RotatingFileHandler
      filename: /var/log/hostp2pd.log
      level: DEBUG
      maxBytes: 1000000
      backupCount: 2
  root:
    level: DEBUG
    handlers: [console, file]
`
	c, w := mustParse(t, src)
	want := Default()
	want.LogBackups = 2
	want.LogMaxSizeMB = 1
	want.LogFileLevel = "DEBUG"
	if diff := cmp.Diff(want, c, ignoreFile); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if c.ForceLogging != "" {
		t.Fatalf("root level leaked into force_logging: %q", c.ForceLogging)
	}
	if len(w) != 1 || w[0].Line != 7 || w[0].Key != "logging" {
		t.Fatalf("want one logging warning at line 7, got %v", w)
	}
}

func TestParse_OurLogKeysWinOverLoggingSection(t *testing.T) {
	t.Parallel()
	c, w := mustParse(t, `logging:
  version: 1
  handlers:
    f: {filename: /a.log, backupCount: 9, maxBytes: 10485760, level: INFO}
log_file: /b.log
log_backups: 1
`)
	if c.LogFile != "/b.log" || c.LogBackups != 1 || c.LogMaxSizeMB != 10 || c.LogFileLevel != "INFO" {
		t.Fatalf("got file=%q backups=%d size=%d level=%q", c.LogFile, c.LogBackups, c.LogMaxSizeMB, c.LogFileLevel)
	}
	if len(w) != 0 {
		t.Fatalf("nothing ignored, yet warnings: %v", w)
	}
}

func TestParse_Modes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Mode
	}{
		{"activate_persistent_group: true\nactivate_autonomous_group: false\ndynamic_group: false", ModePersistent},
		{"activate_persistent_group: true\nactivate_autonomous_group: false\ndynamic_group: true", ModePersistentOnDemand},
		{"activate_persistent_group: false\nactivate_autonomous_group: true\ndynamic_group: false", ModeAutonomous},
		{"activate_persistent_group: false\nactivate_autonomous_group: false\ndynamic_group: false", ModeAutonomousOnDemand},
		{"activate_persistent_group: false\nactivate_autonomous_group: false\ndynamic_group: true", ModeNegotiatedOnDemand},
		{"activate_persistent_group: false\ndynamic_group: true\nnegotiated_persistent: true", ModeNegotiatedPersistent},
		{"dynamic_group: true\nnegotiated_persistent: true", ModeNegotiatedPersistent},
		{"", ModePersistent},
		{"activate_autonomous_group: true", ModeAutonomous}, // the persistent default yields
	}
	for _, tt := range tests {
		c, _ := mustParse(t, tt.in)
		if c.Mode != tt.want {
			t.Errorf("%q: Mode = %v, want %v", tt.in, c.Mode, tt.want)
		}
	}
}

func TestParse_WPSMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want WPSMethod
		warn int
	}{
		{"", WPSAuto, 0},
		{"pbc_in_use: true", WPSPBC, 0},
		{"pbc_in_use: false", WPSKeypad, 0},
		{"pbc_in_use: None", WPSAuto, 0},
		{"wps_method: keypad", WPSKeypad, 0},
		{"wps_method: keypad\npbc_in_use: true", WPSKeypad, 1},
		{"wps_method: pbc\npbc_in_use: false", WPSPBC, 1},
		{"wps_method: pbc\npbc_in_use: true", WPSPBC, 0},
		{"wps_method: random\npbc_in_use: false", WPSRandom, 0},
		{"wps_method: auto\npbc_in_use: true", WPSPBC, 0},
		{"wps_method: display\npin: \"\"", WPSDisplay, 0},
	}
	for _, tt := range tests {
		c, w := mustParse(t, tt.in)
		if c.WPSMethod != tt.want || len(w) != tt.warn {
			t.Errorf("%q: WPSMethod = %v with warnings %v, want %v with %d", tt.in, c.WPSMethod, w, tt.want, tt.warn)
		}
	}
	_, w := mustParse(t, "wps_method: keypad\npbc_in_use: true")
	if got, want := w[0].String(), "t.yaml:2: pbc_in_use: ignored: wps_method: keypad (line 1) takes precedence"; got != want {
		t.Errorf("warning = %q, want %q", got, want)
	}
}

func TestParse_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"bool", "dynamic_group: maybe", `t.yaml:1: dynamic_group: must be true or false, not "maybe"`},
		{"int", "min_conn_delay: abc", `t.yaml:1: min_conn_delay: must be a whole number, not "abc"`},
		{"int list", "min_conn_delay: [1]", `t.yaml:1: min_conn_delay: must be a number, not a list`},
		{"int huge", "max_num_failures: 99999999999", `t.yaml:1: max_num_failures: "99999999999" is out of range`},
		{"string mapping", "interface: {a: b}", `t.yaml:1: interface: must be a string, not a mapping`},
		{"control char", "ssid_postfix: \"a\\nb\"", `t.yaml:1: ssid_postfix: must not contain control characters (newline, tab, …)`},
		{"list item", "white_list:\n  - a\n  - [b]", `t.yaml:3: white_list: item 2: must be a string, not a list`},
		{"pin short", `pin: "123456"`, `t.yaml:1: pin: must be exactly 8 digits`},
		{"pin four", `password: "1234"`, `t.yaml:1: password: must be exactly 8 digits; 4-digit PINs are not supported (hostp2pd requires 8)`},
		{"pin letters", `pin: "1234567a"`, `t.yaml:1: pin: must be exactly 8 digits`},
		{"pin empty keypad", `pin: ""`, `t.yaml:1: pin: is empty; keypad enrolment needs 8 digits`},
		{"autonomous+persistent", "activate_persistent_group: true\nactivate_autonomous_group: true",
			`t.yaml:2: activate_autonomous_group: cannot be combined with activate_persistent_group: true (line 1); set one of them to false`},
		{"autonomous+dynamic", "activate_autonomous_group: true\ndynamic_group: true",
			`t.yaml:2: dynamic_group: cannot be combined with activate_autonomous_group: true (line 1): an autonomous group starts at launch and stays; for groups made on demand set activate_autonomous_group: false`},
		{"negotiated without dynamic", "negotiated_persistent: yes",
			`t.yaml:1: negotiated_persistent: needs dynamic_group: true (groups are negotiated per connection request)`},
		{"wps_method", "wps_method: nfc", `t.yaml:1: wps_method: unknown method "nfc"; valid: auto, keypad, pbc, display, random`},
		{"bad mac", "allow_macs:\n  - aa:bb:cc:dd:ee:ff\n  - aa:bb:cc", `t.yaml:3: allow_macs: "aa:bb:cc" is not a MAC address (want aa:bb:cc:dd:ee:ff)`},
		{"mac in both", "allow_macs: [AA:BB:CC:DD:EE:FF]\ndeny_macs:\n  - aa:bb:cc:dd:ee:ff",
			`t.yaml:3: deny_macs: aa:bb:cc:dd:ee:ff is also in allow_macs (line 1); remove it from one list`},
		{"subnet", "dhcp:\n  subnet: 192.168.49.0", `t.yaml:2: dhcp.subnet: "192.168.49.0" is not an IPv4 address with prefix length, like 192.168.49.1/24`},
		{"subnet v6", "dhcp: {subnet: 'fd00::1/64'}", `t.yaml:1: dhcp.subnet: "fd00::1/64" is not an IPv4 address with prefix length, like 192.168.49.1/24`},
		{"subnet network addr", "dhcp: {subnet: 192.168.49.0/24}", `t.yaml:1: dhcp.subnet: 192.168.49.0 is the network or broadcast address; give the group owner's address, like 192.168.49.1/24`},
		{"subnet prefix", "dhcp: {subnet: 10.0.0.1/31}", `t.yaml:1: dhcp.subnet: prefix length must be between /16 and /30, not /31`},
		{"range outside", "dhcp:\n  range_from: 10.0.0.2", `t.yaml:2: dhcp.range_from: 10.0.0.2 is not a host address of subnet 192.168.49.0/24 (192.168.49.1–192.168.49.254)`},
		{"range reversed", "dhcp:\n  range_from: 192.168.49.50\n  range_to: 192.168.49.20", `t.yaml:3: dhcp.range_to: 192.168.49.20 is below range_from 192.168.49.50`},
		{"range has GO", "dhcp:\n  range_from: 192.168.49.1", `t.yaml:2: dhcp.range_from: range 192.168.49.1–192.168.49.254 includes the group owner address 192.168.49.1`},
		{"dns", "dhcp:\n  dns: [dns.google]", `t.yaml:2: dhcp.dns: "dns.google" is not an IPv4 address`},
		{"lease", "dhcp: {lease_secs: 10}", `t.yaml:1: dhcp.lease_secs: must be at least 60`},
		{"negative timeout", "select_timeout_secs:\n  normal: -1", `t.yaml:2: select_timeout_secs.normal: must not be negative`},
		{"zero timeout", "hook_timeout_secs: 0", `t.yaml:1: hook_timeout_secs: must be at least 1`},
		{"negative delay", "min_conn_delay: -40", `t.yaml:1: min_conn_delay: must not be negative`},
		{"negative id", "persistent_network_id: -1", `t.yaml:1: persistent_network_id: must not be negative`},
		{"freq", "group_freq: 2000", `t.yaml:1: group_freq: must be 0 (any), 2 (any 2.4 GHz channel), 5 (any 5 GHz channel) or a frequency in MHz from 2412 to 7125`},
		{"ssid_postfix", "ssid_postfix: abcdefghijklmnopqrstuvwxyz", `t.yaml:1: ssid_postfix: is 26 bytes; wpa_supplicant allows at most 23 (32 minus "DIRECT-xy")`},
		{"level", "force_logging: loud", `t.yaml:1: force_logging: unknown log level "loud"; valid: DEBUG, INFO, WARNING, ERROR, CRITICAL, or a number 0–50`},
		{"network_parms", "network_parms: [psk]", `t.yaml:1: network_parms: item 1: want "<name> <value>", like 'psk "passphrase"' or 'proto RSN'`},
		{"config_parms name", "config_parms: {'a b': 1}", `t.yaml:1: config_parms: "a b" is not a wpa_supplicant setting name (letters, digits, _)`},
		{"config_parms null", "config_parms:\n  p2p_go_intent:", `t.yaml:2: config_parms.p2p_go_intent: needs a value`},
		{"interface", "interface: ''", `t.yaml:1: interface: must not be empty; use auto for the first P2P device wpa_supplicant reports`},
		{"backend", "backend: socket", `t.yaml:1: backend: "socket" is not valid: use ctrl, dbus or auto`},
		{"dbus per_sta_psk", "interface: p2p-dev-wlan0\nbackend: dbus\nper_sta_psk: true",
			`t.yaml:3: per_sta_psk: needs the control-socket backend, not backend: dbus: P2PDeviceConfig has no per_sta_psk (set per_sta_psk: false: every phone then gets the group passphrase)`},
		{"dbus per_sta_psk default", "interface: p2p-dev-wlan0\nbackend: dbus",
			`t.yaml: per_sta_psk: needs the control-socket backend, not backend: dbus: P2PDeviceConfig has no per_sta_psk (set per_sta_psk: false: every phone then gets the group passphrase)`},
		{"dbus services", "interface: p2p-dev-wlan0\nbackend: dbus\nper_sta_psk: false\nservices:\n  - upnp: upnp:rootdevice",
			`t.yaml:4: services: needs the control-socket backend, not backend: dbus: the daemon registers services with P2P_SERVICE_ADD, which it does not send over D-Bus`},
		{"metrics", "metrics_listen: localhost", `t.yaml:1: metrics_listen: "localhost" is not a host:port address, like 127.0.0.1:9477 or :9477`},
		{"section type", "hostp2pd: [a]", `t.yaml:1: hostp2pd: must be a mapping of settings, not a list`},
		{"timeouts type", "select_timeout_secs: 10", `t.yaml:1: select_timeout_secs: must be a mapping with normal, connect, long and enroller, not a scalar`},
		{"root type", "- a\n- b", `t.yaml:1: the file must be a mapping of settings (key: value), not a list`},
		{"syntax", "pin: \"1\nmin_conn_delay: [", `t.yaml:3: YAML syntax: found unexpected end of stream`},
		{"logging value", "logging:\n  handlers:\n    f:\n      filename: /x\n      maxBytes: lots", `t.yaml:5: logging.handlers.f.maxBytes: must be a whole number, not "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, err := Parse("t.yaml", []byte(tt.in+"\n"))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error, want %q", tt.in, tt.want)
			}
			if err.Error() != tt.want {
				t.Fatalf("Parse(%q) error:\n got %s\nwant %s", tt.in, err, tt.want)
			}
			if c != nil {
				t.Fatal("Config returned with an error")
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "t.yaml" {
				t.Fatalf("error is not a *Error for t.yaml: %#v", err)
			}
		})
	}
}

func TestParse_AllErrorsReportedAtOnce(t *testing.T) {
	t.Parallel()
	_, _, err := Parse("/etc/hostp2pd.yaml", []byte(`hostp2pd:
  pin: "12"
  dynamic_group: maybe
  min_conn_delay: -1
  deny_macs: [nope]
  activate_persistent_group: yes please
  activate_autonomous_group: true
`))
	want := strings.Join([]string{
		`/etc/hostp2pd.yaml:2: pin: must be exactly 8 digits`,
		`/etc/hostp2pd.yaml:3: dynamic_group: must be true or false, not "maybe"`,
		`/etc/hostp2pd.yaml:4: min_conn_delay: must not be negative`,
		`/etc/hostp2pd.yaml:5: deny_macs: "nope" is not a MAC address (want aa:bb:cc:dd:ee:ff)`,
		`/etc/hostp2pd.yaml:6: activate_persistent_group: must be true or false, not "yes please"`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Fatalf("err =\n%v\nwant\n%s", err, want)
	}
	if got := len(Errors(err)); got != 5 {
		t.Fatalf("Errors() has %d entries, want 5", got)
	}
}

func TestParse_UnknownKeyWarnsWithSuggestion(t *testing.T) {
	t.Parallel()
	c, w := mustParse(t, `hostp2pd:
  dynamic_gropus: true
  pinn: "12345670"
  completely_unrelated_setting: 1
select_timeout_secs:
  nromal: 5
dhcp:
  subnett: 10.0.0.1/24
hostp2p:
  pin: "1"
`)
	want := []string{
		"t.yaml:2: dynamic_gropus: unknown key, ignored; did you mean dynamic_group?",
		"t.yaml:3: pinn: unknown key, ignored; did you mean pin?",
		"t.yaml:4: completely_unrelated_setting: unknown key, ignored",
		"t.yaml:6: select_timeout_secs.nromal: unknown key, ignored; did you mean select_timeout_secs.normal?",
		"t.yaml:8: dhcp.subnett: unknown key, ignored; did you mean dhcp.subnet?",
		"t.yaml:9: hostp2p: unknown key, ignored; did you mean hostp2pd?",
	}
	if diff := cmp.Diff(want, warningStrings(w)); diff != "" {
		t.Fatalf("warnings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Default(), c, ignoreFile); diff != "" {
		t.Fatalf("unknown keys changed the config (-want +got):\n%s", diff)
	}
}

func TestParse_WarningsForSettingsWithoutEffect(t *testing.T) {
	t.Parallel()
	_, w := mustParse(t, `activate_persistent_group: false
persistent_network_id: 0
pin_program: /bin/x
display_program: /bin/y
wps_method: keypad
white_list: [a]
force_logging: true
min_conn_delay: 1.5
`)
	want := []string{
		"t.yaml:2: persistent_network_id: has no effect in autonomous-on-demand mode",
		"t.yaml:3: pin_program: has no effect: it is used only with wps_method: display",
		"t.yaml:4: display_program: has no effect: it is used only with wps_method: random",
		"t.yaml:6: white_list: has no effect: the name white list applies only to pbc enrolment",
		"t.yaml:7: force_logging: true is not a log level; using DEBUG",
		`t.yaml:8: min_conn_delay: "1.5" is not a whole number; rounded up to 2`,
	}
	if diff := cmp.Diff(want, warningStrings(w)); diff != "" {
		t.Fatalf("warnings (-want +got):\n%s", diff)
	}
}

func TestParse_AliasesAndAnchors(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, "x: &t 30\nmin_conn_delay: *t\nhook_timeout_secs: *t\n")
	if c.MinConnDelay != 30 || c.HookTimeoutSecs != 30 {
		t.Fatalf("anchors not followed: %+v", c)
	}
	// A self-referencing alias must not hang or panic.
	_, _, _ = Parse("t.yaml", []byte("white_list: &a [*a]\n"))
}

func TestError_Format(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Line: 3, Key: "pin", Msg: "bad"}, "f:3: pin: bad"},
		{Error{File: "f", Key: "pin", Msg: "bad"}, "f: pin: bad"},
		{Error{File: "f", Line: 1, Msg: "bad"}, "f:1: bad"},
		{Error{Key: "pin", Msg: "bad"}, "pin: bad"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestLoad_FileStdinAndDefaults(t *testing.T) {
	// Not parallel: replaces os.Stdin.
	dir := t.TempDir()
	path := filepath.Join(dir, "hostp2pd.yaml")
	if err := os.WriteFile(path, []byte("hostp2pd:\n  pin: \"12345670\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load(path)
	if err != nil || c.PIN != "12345670" || c.File != path {
		t.Fatalf("Load(file) = %+v, %v", c, err)
	}

	c, w, err := Load("")
	if err != nil || w != nil || cmp.Diff(Default(), c) != "" {
		t.Fatalf(`Load("") = %+v, %v, %v`, c, w, err)
	}

	_, _, err = Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want fs.ErrNotExist", err)
	}

	in := filepath.Join(dir, "stdin")
	if err := os.WriteFile(in, []byte("password: \"1234\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	_, _, err = Load("-")
	if want := "<stdin>:1: password: must be exactly 8 digits; 4-digit PINs are not supported (hostp2pd requires 8)"; err == nil || err.Error() != want {
		t.Fatalf("Load(-) = %v, want %q", err, want)
	}
	c, _, err = Parse("-", []byte("pin: \"11223344\"\n"))
	if err != nil || c.File != "-" {
		t.Fatalf(`Parse("-") = %+v, %v`, c, err)
	}
}

func TestPathFromEnv_FlagWinsThenEnv(t *testing.T) {
	t.Setenv(EnvVar, "/etc/from-env.yaml")
	if got := PathFromEnv("/etc/flag.yaml"); got != "/etc/flag.yaml" {
		t.Errorf("flag: got %q", got)
	}
	if got := PathFromEnv(""); got != "/etc/from-env.yaml" {
		t.Errorf("env: got %q", got)
	}
	t.Setenv(EnvVar, "")
	if got := PathFromEnv(""); got != "" {
		t.Errorf("neither: got %q", got)
	}
}

func TestClone_IsDeep(t *testing.T) {
	t.Parallel()
	c, _ := mustParse(t, `pbc_in_use: true
persistent_network_id: 1
white_list: [a]
network_parms: [proto RSN]
config_parms: {a: b}
allow_macs: [02:00:00:00:00:01]
deny_macs: [02:00:00:00:00:02]
dhcp: {dns: [1.1.1.1]}
`)
	d := c.Clone()
	if diff := cmp.Diff(c, d); diff != "" {
		t.Fatalf("clone differs:\n%s", diff)
	}
	*d.PBCInUse = false
	*d.PersistentNetworkID = 9
	d.WhiteList[0] = "x"
	d.NetworkParms[0] = "x"
	d.ConfigParms["a"] = "x"
	d.AllowMACs[0] = "x"
	d.DenyMACs[0] = "x"
	d.DHCP.DNS[0] = "x"
	want, _ := mustParse(t, "pbc_in_use: true\npersistent_network_id: 1\nwhite_list: [a]\nnetwork_parms: [proto RSN]\nconfig_parms: {a: b}\nallow_macs: [02:00:00:00:00:01]\ndeny_macs: [02:00:00:00:00:02]\ndhcp: {dns: [1.1.1.1]}\n")
	if diff := cmp.Diff(want, c, ignoreFile); diff != "" {
		t.Fatalf("changing the clone changed the original:\n%s", diff)
	}
	if (*Config)(nil).Clone() != nil {
		t.Fatal("nil.Clone() != nil")
	}
}

func TestDiff_NamesChangedKeys(t *testing.T) {
	t.Parallel()
	old := Default()
	nu, _ := mustParse(t, "pin: \"11112222\"\nselect_timeout_secs: {long: 60}\ndhcp: {dns: [1.1.1.1]}\nwhite_list: []\n")
	want := []string{"pin", "select_timeout_secs.long", "dhcp.dns"}
	if diff := cmp.Diff(want, Diff(old, nu)); diff != "" {
		t.Fatalf("Diff (-want +got):\n%s", diff)
	}
	if got := Diff(nil, Default()); len(got) != 0 {
		t.Fatalf("Diff(nil, Default()) = %v", got)
	}
	mode, _ := mustParse(t, "dynamic_group: true")
	if diff := cmp.Diff([]string{"dynamic_group"}, Diff(old, mode)); diff != "" {
		t.Fatalf("Diff mode (-want +got):\n%s", diff)
	}
}

func TestYAML_MasksSecretsAndRoundTrips(t *testing.T) {
	t.Parallel()
	c, _, err := Load("testdata/hostp2pd-python.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := c.YAML()
	for _, secret := range []string{"12345670", "kitchen-passphrase"} {
		if strings.Contains(y, secret) {
			t.Errorf("YAML() shows secret %q:\n%s", secret, y)
		}
	}
	for _, want := range []string{"# hostp2pd effective configuration: mode persistent, wps_method keypad", "pin: '********'", "psk ********", "ssid_postfix: Kitchen"} {
		if !strings.Contains(y, want) {
			t.Errorf("YAML() lacks %q:\n%s", want, y)
		}
	}
	back, w, err := Parse("again.yaml", []byte(c.yamlText(false)))
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	if diff := cmp.Diff(c, back, ignoreFile); diff != "" {
		t.Fatalf("round trip (-orig +again):\n%s", diff)
	}
	var other []Warning
	for _, x := range w {
		if !strings.Contains(x.Msg, noEffectMsg) { // every key is written, those without effect too
			other = append(other, x)
		}
	}
	if len(other) != 1 || other[0].Key != "white_list" { // the keypad white list warning again
		t.Fatalf("round trip warnings: %v", other)
	}
	odd := Default()
	odd.SSIDPostfix = "None"
	back, _, err = Parse("x", []byte(odd.yamlText(false)))
	if err != nil || back.SSIDPostfix != "None" {
		t.Fatalf("string None did not survive: %v %q", err, back.SSIDPostfix)
	}
}

func TestValidate_ProgrammaticConfig(t *testing.T) {
	t.Parallel()
	c := Default()
	c.DynamicGroup = true
	c.ActivatePersistentGroup = false
	c.WPSMethodName = "pbc"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModeNegotiatedOnDemand || c.WPSMethod != WPSPBC {
		t.Fatalf("resolved %v/%v", c.Mode, c.WPSMethod)
	}
	c = Default()
	c.ActivateAutonomousGroup = true
	c.PIN = "1"
	c.SSIDPostfix = "a\nb"
	err := c.Validate()
	want := strings.Join([]string{
		"activate_autonomous_group: cannot be combined with activate_persistent_group: true; set one of them to false",
		"pin: must be exactly 8 digits",
		"ssid_postfix: must not contain control characters (newline, tab, …)",
	}, "\n")
	var got []string
	for _, e := range Errors(err) {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(strings.Split(want, "\n"), sortedStrings(got)); diff != "" {
		t.Fatalf("Validate errors (-want +got):\n%s", diff)
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestStrings(t *testing.T) {
	t.Parallel()
	modes := map[Mode]string{
		ModePersistent: "persistent", ModePersistentOnDemand: "persistent-on-demand",
		ModeAutonomous: "autonomous", ModeAutonomousOnDemand: "autonomous-on-demand",
		ModeNegotiatedOnDemand: "negotiated-on-demand", ModeNegotiatedPersistent: "negotiated-persistent",
		Mode(99): "Mode(99)",
	}
	for m, want := range modes {
		if m.String() != want {
			t.Errorf("Mode %d = %q, want %q", m, m.String(), want)
		}
	}
	wps := map[WPSMethod]string{WPSAuto: "auto", WPSKeypad: "keypad", WPSPBC: "pbc", WPSDisplay: "display", WPSRandom: "random", WPSMethod(9): "WPSMethod(9)"}
	for m, want := range wps {
		if m.String() != want {
			t.Errorf("WPSMethod %d = %q, want %q", m, m.String(), want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]slog.Level{
		"DEBUG": slog.LevelDebug, "info": slog.LevelInfo, "Warning": slog.LevelWarn, "WARN": slog.LevelWarn,
		"ERROR": slog.LevelError, "CRITICAL": slog.LevelError + 4, "10": slog.LevelDebug, "25": slog.LevelInfo + 2,
	} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseLevel("51"); err == nil {
		t.Error("ParseLevel(51) succeeded")
	}
	c := Default()
	if _, ok := c.ForceLevel(); ok {
		t.Error("ForceLevel set by default")
	}
	c.ForceLogging, c.LogFileLevel = "DEBUG", "ERROR"
	if l, ok := c.ForceLevel(); !ok || l != slog.LevelDebug {
		t.Errorf("ForceLevel = %v %v", l, ok)
	}
	if l, ok := c.FileLevel(); !ok || l != slog.LevelError {
		t.Errorf("FileLevel = %v %v", l, ok)
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	c := Default()
	if got := c.LeaseFilePath("p2p-dev-wlan0"); got != "/var/lib/hostp2pd/leases-p2p-dev-wlan0.json" {
		t.Errorf("LeaseFilePath = %q", got)
	}
	if got := c.CtlSocketPath("p2p-dev-wlan0"); got != "/run/hostp2pd-p2p-dev-wlan0.sock" {
		t.Errorf("CtlSocketPath = %q", got)
	}
	c.CtlSocket, c.DHCP.LeaseFile = "off", "/srv/<iface>.json"
	if got := c.CtlSocketPath("x"); got != "" {
		t.Errorf("CtlSocketPath(off) = %q", got)
	}
	if got := c.LeaseFilePath("x"); got != "/srv/x.json" {
		t.Errorf("LeaseFilePath = %q", got)
	}
}

func TestContribSampleLoads(t *testing.T) {
	t.Parallel()
	c, w, err := Load("../../contrib/hostp2pd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 0 {
		t.Fatalf("warnings: %v", w)
	}
	if c.Mode != ModePersistent || c.WPSMethod != WPSKeypad || !c.DHCP.Enabled {
		t.Fatalf("sample is %v/%v dhcp=%v; want persistent/keypad/dhcp on", c.Mode, c.WPSMethod, c.DHCP.Enabled)
	}
}
